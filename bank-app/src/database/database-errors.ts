// Which database failures mean "the database is down or overloaded, try again shortly" (HTTP 503 with
// Retry-After) rather than a bug (500). TypeORM wraps the mysql2 error as `driverError`; a connection
// that cannot be obtained surfaces the raw mysql2 error; both are looked at here.

/** mysql2 / Node socket codes and MySQL/MariaDB server error codes that are transient. */
const TRANSIENT_CODES = new Set([
  // The server cannot be reached or went away.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN', // 1053: the server is shutting down
  'ER_CONNECTION_KILLED', // 1927 (MariaDB): connection killed, e.g. during shutdown
  'ER_CLIENT_INTERACTION_TIMEOUT', // 4031 (MySQL 8): idle connection closed by the server
  'ER_CON_COUNT_ERROR', // 1040: too many connections
  'ER_QUERY_INTERRUPTED', // 1317
  // Contention: the client may simply retry.
  'ER_LOCK_WAIT_TIMEOUT', // 1205
  'ER_LOCK_DEADLOCK', // 1213
]);

/** The keyed withdrawals' own queue (IdempotencyService) is full: as bounded as the pool's. */
export const COMMAND_QUEUE_FULL = 'Command queue limit reached.';

/** mysql2 errors that carry no code, recognised by their fixed messages. */
const TRANSIENT_MESSAGES = [
  'Queue limit reached.', // the pool's waiting queue (DB_POOL_QUEUE_LIMIT) is full
  COMMAND_QUEUE_FULL,
  'Pool is closed.',
  "Can't add new command when connection is in closed state",
  'Connection lost: The server closed the connection.',
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** The error and the errors it wraps (TypeORM's driverError, Error.cause), bounded against cycles. */
function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (chain.length < 5 && typeof current === 'object' && current !== null) {
    const link = current as ErrorLike;
    chain.push(link);
    current = link.driverError ?? link.cause;
  }
  return chain;
}

/** True when the error, or an error it wraps, says the database is unavailable or overloaded. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  return errorChain(error).some(
    ({ code, message }) =>
      (typeof code === 'string' && TRANSIENT_CODES.has(code)) ||
      (typeof message === 'string' && TRANSIENT_MESSAGES.some((known) => message.includes(known))),
  );
}

/** True for a duplicate primary or unique key (ER_DUP_ENTRY, 1062). */
export function isDuplicateKeyError(error: unknown): boolean {
  return errorChain(error).some(({ code }) => code === 'ER_DUP_ENTRY');
}
