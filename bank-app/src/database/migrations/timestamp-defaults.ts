import type { QueryRunner } from 'typeorm';

/**
 * With the legacy `explicit_defaults_for_timestamp = OFF`, the first `TIMESTAMP NOT NULL` column of a
 * table silently gets `ON UPDATE CURRENT_TIMESTAMP`, which would rewrite e.g. a statement line's
 * transaction date. MariaDB >= 10.10 and MySQL 8 default to ON; on an older server, switch this session.
 */
export async function ensureExplicitTimestampDefaults(queryRunner: QueryRunner): Promise<void> {
  const rows = (await queryRunner.query('SELECT @@explicit_defaults_for_timestamp AS explicit_defaults')) as {
    explicit_defaults: number | string;
  }[];
  if (Number(rows[0]?.explicit_defaults) !== 1) {
    await queryRunner.query('SET SESSION explicit_defaults_for_timestamp = ON');
  }
}
