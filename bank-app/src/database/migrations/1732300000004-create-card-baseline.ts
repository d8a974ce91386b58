import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each card's starting point as the connector first saw it: the used_limit of its snapshot read (r) or
 * create (c). Written only by the projector, first event wins (a re-snapshot changes nothing).
 * Reconciliation checks used_limit == baseline + sum(statement) per card.
 */
export class CreateCardBaseline1732300000004 implements MigrationInterface {
  name = 'CreateCardBaseline1732300000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE card_baseline (
        debit_card_id    VARCHAR(36)    NOT NULL,
        used_limit       DECIMAL(18,2)  NOT NULL,
        version          BIGINT         NOT NULL,
        source_partition INT            NOT NULL,
        source_offset    BIGINT         NOT NULL,
        PRIMARY KEY (debit_card_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE card_baseline');
  }
}
