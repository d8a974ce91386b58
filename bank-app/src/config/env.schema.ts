// The one environment schema of bank-app. Every variable the app reads is declared here with its
// default (the local stack's value) and its rule; a bad value stops the app with a message that names
// the variable. Nothing else in the app reads process.env.

export interface Env {
  APP_PORT: number;
  APP_HOST: string;
  DB_HOST: string;
  DB_PORT: number;
  DB_NAME: string;
  DB_USER: string;
  DB_PASSWORD: string;
  DB_MIGRATION_USER: string;
  DB_MIGRATION_PASSWORD: string;
  DB_POOL_SIZE: number;
  DB_POOL_QUEUE_LIMIT: number;
  KAFKA_BROKERS: string[];
  CONNECT_URL: string;
  DRUID_BROKER_URL: string;
  DRUID_OVERLORD_URL: string;
  DRUID_QUERY_TIMEOUT_MS: number;
  HEALTH_CHECK_TIMEOUT_MS: number;
  PROJECTOR_ENABLED: boolean;
  PROJECTOR_GROUP_ID: string;
  PROJECTOR_SESSION_TIMEOUT_MS: number;
  PROJECTOR_CONCURRENCY: number;
  STATEMENT_MIN_VERSION_WAIT_MS: number;
  PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS?: number;
  PROJECTOR_FAULT_KILL_POINT: 'after-database-commit' | 'before-kafka-commit';
  /** Absent: json when stdout is not a terminal, pretty when it is (decided by the logger). */
  LOG_FORMAT?: 'json' | 'pretty';
}

type RawEnv = Record<string, string | undefined>;

/** Reads one variable: undefined and blank both mean "use the default". */
function raw(env: RawEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function text(env: RawEnv, name: string, fallback: string, errors: string[]): string {
  const value = raw(env, name) ?? fallback;
  if (value.length > 255) errors.push(`${name} must be at most 255 characters`);
  return value;
}

function integer(
  env: RawEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  errors: string[],
): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    errors.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return parsed;
}

function bool(env: RawEnv, name: string, fallback: boolean, errors: string[]): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  errors.push(`${name} must be true or false (got "${value}")`);
  return fallback;
}

function httpUrl(env: RawEnv, name: string, fallback: string, errors: string[]): string {
  const value = raw(env, name) ?? fallback;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    errors.push(`${name} must be an http(s) URL (got "${value}")`);
    return fallback;
  }
  // Callers append paths, so a trailing slash would give "//druid/v2/sql".
  return value.replace(/\/+$/, '');
}

function hostPortList(env: RawEnv, name: string, fallback: string, errors: string[]): string[] {
  const value = raw(env, name) ?? fallback;
  const entries = value.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(entry));
  if (!valid) {
    errors.push(`${name} must be a comma-separated list of host:port (got "${value}")`);
    return fallback.split(',');
  }
  return entries;
}

/**
 * Validates the environment and returns it typed. Throws one Error listing every bad variable, so a
 * misconfigured deployment is fixed in one go rather than one restart per variable.
 */
export function validateEnv(env: RawEnv): Env {
  const errors: string[] = [];
  const result: Env = {
    APP_PORT: integer(env, 'APP_PORT', 8080, 1, 65535, errors),
    APP_HOST: text(env, 'APP_HOST', '127.0.0.1', errors),
    DB_HOST: text(env, 'DB_HOST', '127.0.0.1', errors),
    DB_PORT: integer(env, 'DB_PORT', 3306, 1, 65535, errors),
    DB_NAME: text(env, 'DB_NAME', 'bank', errors),
    DB_USER: text(env, 'DB_USER', 'bank_app', errors),
    DB_PASSWORD: text(env, 'DB_PASSWORD', 'bank_app_pw', errors),
    DB_MIGRATION_USER: text(env, 'DB_MIGRATION_USER', 'bank_migrator', errors),
    DB_MIGRATION_PASSWORD: text(env, 'DB_MIGRATION_PASSWORD', 'bank_migrator_pw', errors),
    DB_POOL_SIZE: integer(env, 'DB_POOL_SIZE', 16, 1, 1000, errors),
    // Bounded on purpose: an overloaded database must answer 503 quickly, not queue requests forever.
    DB_POOL_QUEUE_LIMIT: integer(env, 'DB_POOL_QUEUE_LIMIT', 64, 1, 100000, errors),
    KAFKA_BROKERS: hostPortList(env, 'KAFKA_BROKERS', '127.0.0.1:9092', errors),
    CONNECT_URL: httpUrl(env, 'CONNECT_URL', 'http://127.0.0.1:8083', errors),
    DRUID_BROKER_URL: httpUrl(env, 'DRUID_BROKER_URL', 'http://127.0.0.1:8082', errors),
    DRUID_OVERLORD_URL: httpUrl(env, 'DRUID_OVERLORD_URL', 'http://127.0.0.1:8081', errors),
    // An analytics query slower than this is cancelled (by Druid and by the client) and answers 503.
    DRUID_QUERY_TIMEOUT_MS: integer(env, 'DRUID_QUERY_TIMEOUT_MS', 5000, 100, 300000, errors),
    // Each check of /health/ready and /pipeline/status gives up after this long (and counts as down).
    HEALTH_CHECK_TIMEOUT_MS: integer(env, 'HEALTH_CHECK_TIMEOUT_MS', 2000, 100, 60000, errors),
    PROJECTOR_ENABLED: bool(env, 'PROJECTOR_ENABLED', true, errors),
    // Fixed: a new group starts from the beginning of debit_card; every instance shares the work.
    PROJECTOR_GROUP_ID: text(env, 'PROJECTOR_GROUP_ID', 'bank-app-ministatement-projector', errors),
    PROJECTOR_SESSION_TIMEOUT_MS: integer(env, 'PROJECTOR_SESSION_TIMEOUT_MS', 10000, 6000, 300000, errors),
    PROJECTOR_CONCURRENCY: integer(env, 'PROJECTOR_CONCURRENCY', 3, 1, 64, errors),
    STATEMENT_MIN_VERSION_WAIT_MS: integer(env, 'STATEMENT_MIN_VERSION_WAIT_MS', 5000, 0, 30000, errors),
    // Fault-injection hook for the exactly-once tests only: SIGKILL after this many DB commits.
    PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS:
      raw(env, 'PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS') === undefined
        ? undefined
        : integer(env, 'PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS', 1, 1, 1000000, errors),
    // ...right after that commit, or later in the same batch: inside the Kafka transaction, all sent.
    PROJECTOR_FAULT_KILL_POINT: 'after-database-commit',
  };
  const killPoint = raw(env, 'PROJECTOR_FAULT_KILL_POINT');
  if (killPoint === 'after-database-commit' || killPoint === 'before-kafka-commit') {
    result.PROJECTOR_FAULT_KILL_POINT = killPoint;
  } else if (killPoint !== undefined) {
    errors.push(
      `PROJECTOR_FAULT_KILL_POINT must be after-database-commit or before-kafka-commit (got "${killPoint}")`,
    );
  }
  const logFormat = raw(env, 'LOG_FORMAT');
  if (logFormat === 'json' || logFormat === 'pretty') result.LOG_FORMAT = logFormat;
  else if (logFormat !== undefined) errors.push(`LOG_FORMAT must be json or pretty (got "${logFormat}")`);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(result.DB_NAME)) {
    errors.push(`DB_NAME must be 1 to 64 letters, digits or underscores (got "${result.DB_NAME}")`);
  }
  if (errors.length > 0) {
    throw new Error(`Invalid environment:\n  - ${errors.join('\n  - ')}`);
  }
  return result;
}
