import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two additions to the read model, for following a withdrawal through the pipeline:
 * - source_timestamp: the Kafka timestamp of the change event that created the line (CreateTime,
 *   set when Kafka Connect produced it), so the commit → `debit_card` hop has a time. NULL for lines
 *   written before this column existed.
 * - an index on request_id: GET /pipeline/trace?requestId= looks lines up by it.
 */
export class AddChangeEventTime1732300000005 implements MigrationInterface {
  name = 'AddChangeEventTime1732300000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE money_withdrawal
        ADD COLUMN source_timestamp TIMESTAMP(3) NULL DEFAULT NULL AFTER source_offset,
        ADD KEY ix_request_id (request_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE money_withdrawal DROP KEY ix_request_id, DROP COLUMN source_timestamp`);
  }
}
