import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureExplicitTimestampDefaults } from './timestamp-defaults';

/**
 * Idempotency-Key records: the first response to a keyed request, replayed to its retries for 24 h.
 * Written in the same transaction as the withdrawal it answers, so a stored response always matches a
 * committed (or a refused) withdrawal. request_fingerprint tells a retry from a different request
 * reusing the key; expires_at is indexed for the periodic clean-up.
 */
export class CreateIdempotencyKey1732300000003 implements MigrationInterface {
  name = 'CreateIdempotencyKey1732300000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await ensureExplicitTimestampDefaults(queryRunner);
    await queryRunner.query(`
      CREATE TABLE idempotency_key (
        client_key          VARCHAR(255)  NOT NULL,
        request_fingerprint CHAR(64)      NOT NULL,
        response_status     SMALLINT      NOT NULL,
        response_body       TEXT          NOT NULL,
        request_id          VARCHAR(64)   NULL,
        created_at          TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        expires_at          TIMESTAMP(6)  NOT NULL,
        PRIMARY KEY (client_key),
        KEY ix_idempotency_key_expires_at (expires_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_key');
  }
}
