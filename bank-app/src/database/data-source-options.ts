// TypeORM options for the two database users: the app (DML only, a bounded pool) and the migrator
// (DDL, one connection). Both use mysql2, UTC sessions and a short connect timeout. The entities belong
// to their feature folders: the app's DataSource gets those its modules register (autoLoadEntities in
// database.module.ts), and a script that needs some passes them. The migrations alone define the
// schema (test/schema-drift.e2e-spec.ts checks that they and the entities agree).
import { Logger } from '@nestjs/common';
import mysql2 from 'mysql2';
import type { Pool, PoolConnection, PoolOptions } from 'mysql2';
import type { DataSourceOptions } from 'typeorm';
import { AppConfig, DatabaseCredentials } from '../config/app-config';
import { MIGRATIONS } from './migrations';

/**
 * Run on every new connection, before anything else is sent on it (mysql2 queues commands in order):
 * - time_zone UTC, so CURRENT_TIMESTAMP(6) and TIMESTAMP columns read the same on every host;
 * - a short lock wait, so a request stuck behind a row lock gives up (503) instead of hanging for the
 *   server's default 50 s.
 */
const logger = new Logger('Database');

const SESSION_SETUP_SQL = "SET time_zone = '+00:00', innodb_lock_wait_timeout = 5";

/**
 * A mysql2 pool with the session set-up above run on every new connection. (mysql2 has no "init SQL"
 * option; its pool's `connection` event is the hook for that.) TypeORM's driver below and the command
 * side's pool (command-pool.ts) both create their pools here.
 */
export function createSessionPool(options: PoolOptions): Pool {
  const pool = mysql2.createPool(options);
  pool.on('connection', (connection: PoolConnection) => {
    connection.query(SESSION_SETUP_SQL, (error: Error | null) => {
      // A failure here means the connection is already broken: mysql2 drops it from the pool and
      // the query waiting behind it fails with a connection error (a 503).
      if (error) logger.warn(`session set-up failed: ${error.message}`);
    });
  });
  return pool;
}

/** The connection settings both pools share. */
export const CONNECTION_SETTINGS = {
  timezone: 'Z', // how mysql2 converts JS Dates; the session itself is UTC (above)
  charset: 'utf8mb4',
  connectTimeout: 2000, // a down database must become a 503 quickly, not a hanging request
  // DECIMAL and BIGINT come back as strings (mysql2's default, kept on purpose): no float on money.
  supportBigNumbers: true,
  bigNumberStrings: true,
};

/** mysql2 as TypeORM's driver, its pools created by createSessionPool. */
const mysql2WithUtcSessions = { ...mysql2, createPool: createSessionPool };

function baseOptions(config: AppConfig, credentials: DatabaseCredentials) {
  const db = config.database;
  return {
    type: 'mysql' as const, // MariaDB and MySQL 8 both speak it; the SQL here is portable to both
    driver: mysql2WithUtcSessions,
    host: db.host,
    port: db.port,
    database: db.name,
    username: credentials.user,
    password: credentials.password,
    ...CONNECTION_SETTINGS,
    synchronize: false, // the schema belongs to the migrations
    migrationsRun: false, // and the app's user may not run DDL anyway
    logging: false, // failed queries surface as errors; the problem-details filter logs the 500s
  };
}

/** The running app: the DML-only user, a bounded pool and a bounded queue for it. */
export function appDataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    ...baseOptions(config, config.database.app),
    poolSize: config.database.poolSize,
    extra: {
      // A full queue fails fast with "Queue limit reached." (→ 503) instead of piling up requests.
      queueLimit: config.database.poolQueueLimit,
      waitForConnections: true,
      // Keep session state (time_zone, user locks held for idempotency) under our control.
      resetOnRelease: false,
    },
  };
}

/** The migration runner: the DDL user and the migrations, nothing else. */
export function migratorDataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    ...baseOptions(config, config.database.migrator),
    poolSize: 2, // one for the migrations, one holding the migration lock (migrate.ts)
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
  };
}
