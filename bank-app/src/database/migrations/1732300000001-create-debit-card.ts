import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The write model: one row per card. A withdrawal is one conditional UPDATE of this row, and Debezium
 * captures that UPDATE from the binlog; last_withdrawal_id, last_request_id and last_withdrawn_at are
 * set by the same UPDATE so the change event carries the withdrawal's id, request id and commit time.
 * utf8mb4_bin makes ids case-sensitive ("abc" and "ABC" are two cards, as in every other system).
 */
export class CreateDebitCard1732300000001 implements MigrationInterface {
  name = 'CreateDebitCard1732300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE debit_card (
        id                 VARCHAR(36)    NOT NULL,
        initial_limit      DECIMAL(18,2)  NOT NULL,
        used_limit         DECIMAL(18,2)  NOT NULL DEFAULT 0,
        version            BIGINT         NOT NULL DEFAULT 0,
        last_withdrawal_id CHAR(36)       NULL,
        last_request_id    VARCHAR(64)    NULL,
        last_withdrawn_at  TIMESTAMP(6)   NULL,
        created_at         TIMESTAMP(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        PRIMARY KEY (id),
        CONSTRAINT chk_debit_card_used_limit CHECK (used_limit >= 0 AND used_limit <= initial_limit)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE debit_card');
  }
}
