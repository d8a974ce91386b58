// The one environment schema of bank-app (zod, like the API's inputs). Every variable the app reads is
// declared here with its default (the local stack's value) and its rule; a bad value stops the app
// with a message that names the variable. Nothing else in the app reads process.env.
import { z } from 'zod';

/** Unset and blank both mean "use the default"; values are trimmed. */
const variable = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined),
    schema,
  );

const got = (issue: { input?: unknown }) => ` (got "${String(issue.input)}")`;

const text = (fallback: string) =>
  variable(z.string().max(255, 'must be at most 255 characters').default(fallback));

/** Plain digits, from min to max. */
const integerRule = (min: number, max: number) => {
  const rule = (issue: { input?: unknown }) => `must be an integer from ${min} to ${max}${got(issue)}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, { error: rule })
    .transform(Number)
    .pipe(z.number().min(min, { error: rule }).max(max, { error: rule }));
};
const integer = (fallback: number, min: number, max: number) =>
  variable(integerRule(min, max).default(fallback));

const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, { error: (issue) => `must be ${values.join(' or ')}${got(issue)}` });

/** Callers append paths, so a trailing slash (which would give "//druid/v2/sql") is dropped. */
const httpUrl = (fallback: string) =>
  variable(
    z
      .url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL${got(issue)}` })
      .transform((url) => url.replace(/\/+$/, ''))
      .default(fallback),
  );

const hostPortList = (fallback: string) =>
  variable(
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}(\s*,\s*[A-Za-z0-9.-]+:\d{1,5})*$/, {
        error: (issue) => `must be a comma-separated list of host:port${got(issue)}`,
      })
      .transform((list) => list.split(',').map((entry) => entry.trim()))
      .default([fallback]),
  );

export const EnvSchema = z.object({
  APP_PORT: integer(8080, 1, 65535),
  APP_HOST: text('127.0.0.1'),
  DB_HOST: text('127.0.0.1'),
  DB_PORT: integer(3306, 1, 65535),
  DB_NAME: variable(
    z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/, {
        error: (issue) => `must be 1 to 64 letters, digits or underscores${got(issue)}`,
      })
      .default('bank'),
  ),
  DB_USER: text('bank_app'),
  DB_PASSWORD: text('bank_app_pw'),
  DB_MIGRATION_USER: text('bank_migrator'),
  DB_MIGRATION_PASSWORD: text('bank_migrator_pw'),
  DB_POOL_SIZE: integer(16, 1, 1000),
  // Bounded on purpose: an overloaded database must answer 503 quickly, not queue requests forever.
  DB_POOL_QUEUE_LIMIT: integer(64, 1, 100000),
  KAFKA_BROKERS: hostPortList('127.0.0.1:9092'),
  CONNECT_URL: httpUrl('http://127.0.0.1:8083'),
  DRUID_BROKER_URL: httpUrl('http://127.0.0.1:8082'),
  DRUID_OVERLORD_URL: httpUrl('http://127.0.0.1:8081'),
  // An analytics query slower than this is cancelled (by Druid and by the client) and answers 503.
  DRUID_QUERY_TIMEOUT_MS: integer(5000, 100, 300000),
  // Each check of /health/ready and /pipeline/status gives up after this long (and counts as down).
  HEALTH_CHECK_TIMEOUT_MS: integer(2000, 100, 60000),
  PROJECTOR_ENABLED: variable(
    oneOf(['true', 'false'])
      .transform((value) => value === 'true')
      .default(true),
  ),
  // Fixed: a new group starts from the beginning of debit_card; every instance shares the work.
  PROJECTOR_GROUP_ID: text('bank-app-ministatement-projector'),
  PROJECTOR_SESSION_TIMEOUT_MS: integer(10000, 6000, 300000),
  PROJECTOR_CONCURRENCY: integer(3, 1, 64),
  STATEMENT_MIN_VERSION_WAIT_MS: integer(5000, 0, 30000),
  // Fault-injection hook for the exactly-once tests only: SIGKILL after this many DB commits...
  PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS: variable(integerRule(1, 1000000).optional()),
  // ...right after that commit, or later in the same batch: inside the Kafka transaction, all sent.
  PROJECTOR_FAULT_KILL_POINT: variable(
    oneOf(['after-database-commit', 'before-kafka-commit']).default('after-database-commit'),
  ),
  /** Absent: json when stdout is not a terminal, pretty when it is (decided by the logger). */
  LOG_FORMAT: variable(oneOf(['json', 'pretty']).optional()),
});

export type Env = z.output<typeof EnvSchema>;

/**
 * Validates the environment and returns it typed (ConfigModule's `validate`). Throws one Error listing
 * every bad variable, so a misconfigured deployment is fixed in one go rather than one restart each.
 */
export function validateEnv(env: Record<string, unknown>): Env {
  const result = EnvSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  throw new Error(`Invalid environment:\n  - ${lines.join('\n  - ')}`);
}
