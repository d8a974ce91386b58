// Runs the schema migrations as the migrator user (the app's own user has no DDL rights, and the app
// never migrates at start-up). `npm run migrate -w bank-app`, or `node dist/database/migrate.js`.
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { migratorDataSourceOptions } from './data-source-options';

const logger = new Logger('Migrate');

/** Serialises concurrent runs (two instances starting at once) across hosts. */
const MIGRATION_LOCK = 'bank_app_schema_migrations';
const MIGRATION_LOCK_WAIT_SECONDS = 60;

/** Applies every pending migration; returns the names of those it applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const dataSource = new DataSource(migratorDataSourceOptions(config));
  await dataSource.initialize();
  const lockHolder = dataSource.createQueryRunner();
  try {
    const [{ locked }] = (await lockHolder.query('SELECT GET_LOCK(?, ?) AS locked', [
      MIGRATION_LOCK,
      MIGRATION_LOCK_WAIT_SECONDS,
    ])) as { locked: number | null }[];
    if (locked !== 1) {
      throw new Error(`another migration run held ${MIGRATION_LOCK} for ${MIGRATION_LOCK_WAIT_SECONDS}s`);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    // Closing the connection releases the lock even if RELEASE_LOCK is never reached.
    await lockHolder.release();
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadAppConfig();
  const { host, port, name, migrator } = config.database;
  logger.log(`migrating ${migrator.user}@${host}:${port}/${name}`);
  const applied = await runMigrations(config);
  logger.log(applied.length === 0 ? 'schema is up to date' : `applied: ${applied.join(', ')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    logger.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
