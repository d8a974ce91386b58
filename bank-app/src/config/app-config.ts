// The typed configuration the rest of the app injects, grouped by the part of the pipeline it serves.
// It is built from the validated environment (env.schema.ts): by AppConfigModule inside the app, by
// loadAppConfig() in scripts and before Nest starts. `AppConfig` is both the type and the Nest
// injection token, so a service asks for `config: AppConfig` and gets autocompletion.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateEnv, type Env } from './env.schema';

export interface DatabaseCredentials {
  user: string;
  password: string;
}

export abstract class AppConfig {
  abstract readonly http: { port: number; host: string };
  abstract readonly database: {
    host: string;
    port: number;
    name: string;
    /** The DML-only user the running app connects with. */
    app: DatabaseCredentials;
    /** The DDL user; only the migration runner uses it. */
    migrator: DatabaseCredentials;
    poolSize: number;
    poolQueueLimit: number;
  };
  abstract readonly kafka: { brokers: string[] };
  abstract readonly connect: { url: string };
  abstract readonly druid: {
    brokerUrl: string;
    overlordUrl: string;
    /** Analytics queries are cancelled after this long (Druid's query context and the HTTP client). */
    queryTimeoutMs: number;
  };
  abstract readonly logging: {
    /** json: one JSON object per line (for log shippers); pretty: coloured text (pino-pretty). */
    format: 'json' | 'pretty';
  };
  abstract readonly health: {
    /** Each readiness / pipeline-status check gives up after this long. */
    checkTimeoutMs: number;
  };
  abstract readonly projector: {
    enabled: boolean;
    groupId: string;
    sessionTimeoutMs: number;
    /** Partitions of debit_card processed in parallel by this instance. */
    concurrency: number;
    /** How long GET /moneywithdrawals?minVersion= waits for the read model at most. */
    minVersionWaitMs: number;
    faultKillAfterDatabaseCommits?: number;
    faultKillPoint: 'after-database-commit' | 'before-kafka-commit';
  };
}

export function toAppConfig(env: Env): AppConfig {
  return {
    http: { port: env.APP_PORT, host: env.APP_HOST },
    database: {
      host: env.DB_HOST,
      port: env.DB_PORT,
      name: env.DB_NAME,
      app: { user: env.DB_USER, password: env.DB_PASSWORD },
      migrator: { user: env.DB_MIGRATION_USER, password: env.DB_MIGRATION_PASSWORD },
      poolSize: env.DB_POOL_SIZE,
      poolQueueLimit: env.DB_POOL_QUEUE_LIMIT,
    },
    kafka: { brokers: env.KAFKA_BROKERS },
    connect: { url: env.CONNECT_URL },
    druid: {
      brokerUrl: env.DRUID_BROKER_URL,
      overlordUrl: env.DRUID_OVERLORD_URL,
      queryTimeoutMs: env.DRUID_QUERY_TIMEOUT_MS,
    },
    logging: { format: env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json') },
    health: { checkTimeoutMs: env.HEALTH_CHECK_TIMEOUT_MS },
    projector: {
      enabled: env.PROJECTOR_ENABLED,
      groupId: env.PROJECTOR_GROUP_ID,
      sessionTimeoutMs: env.PROJECTOR_SESSION_TIMEOUT_MS,
      concurrency: env.PROJECTOR_CONCURRENCY,
      minVersionWaitMs: env.STATEMENT_MIN_VERSION_WAIT_MS,
      faultKillAfterDatabaseCommits: env.PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS,
      faultKillPoint: env.PROJECTOR_FAULT_KILL_POINT,
    },
  };
}

/**
 * Loads the configuration from the process environment, after an optional `.env` file in the working
 * directory (variables already set in the environment win). The only reader of process.env.
 */
export function loadAppConfig(): AppConfig {
  const envFile = resolve(process.cwd(), '.env');
  // (process.loadEnvFile exists from Node 20.12 on.)
  if (existsSync(envFile) && typeof process.loadEnvFile === 'function') process.loadEnvFile(envFile);
  return toAppConfig(validateEnv(process.env));
}
