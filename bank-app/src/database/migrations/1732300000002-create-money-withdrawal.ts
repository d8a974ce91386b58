import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureExplicitTimestampDefaults } from './timestamp-defaults';

/**
 * The read model (the mini statement), written only by the projector. (debit_card_id, version) is
 * unique, so a change event delivered twice cannot create a second line; source_partition and
 * source_offset record which Kafka record created the line.
 */
export class CreateMoneyWithdrawal1732300000002 implements MigrationInterface {
  name = 'CreateMoneyWithdrawal1732300000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureExplicitTimestampDefaults(queryRunner);
    await queryRunner.query(`
      CREATE TABLE money_withdrawal (
        id               CHAR(36)       NOT NULL,
        debit_card_id    VARCHAR(36)    NOT NULL,
        version          BIGINT         NOT NULL,
        amount           DECIMAL(18,2)  NOT NULL,
        transaction_date TIMESTAMP(6)   NOT NULL,
        request_id       VARCHAR(64)    NULL,
        source_partition INT            NOT NULL,
        source_offset    BIGINT         NOT NULL,
        projected_at     TIMESTAMP(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        PRIMARY KEY (id),
        UNIQUE KEY uq_card_version (debit_card_id, version)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE money_withdrawal');
  }
}
