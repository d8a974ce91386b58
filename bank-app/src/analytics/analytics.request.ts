// The query strings of GET /analytics/withdrawals and GET /analytics/top-cards. Every parameter is
// checked here, unknown ones included, and one VALIDATION_FAILED error lists all the problems. Only
// the parsed, typed values travel further: the SQL is built from constants (analytics.queries.ts).
import { FieldError, validationError } from '../common/domain-error';
import { CARD_ID_RULE, isCardId } from '../common/request-validation';

export type Granularity = 'minute' | 'hour' | 'day';
export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The default window of GET /analytics/withdrawals: the last 24 hours. */
export const DEFAULT_WINDOW_MS = DAY_MS;

/**
 * The longest window per granularity. It bounds the work of one request and the size of the answer
 * (at most 10,080 minute buckets, 2,208 hour buckets or 3,660 day buckets).
 */
export const MAX_WINDOW_MS: Record<Granularity, number> = {
  minute: 7 * DAY_MS,
  hour: 92 * DAY_MS,
  day: 3660 * DAY_MS,
};

export const DEFAULT_TOP_CARDS_LIMIT = 10;
export const MAX_TOP_CARDS_LIMIT = 100;

export interface WithdrawalsQuery {
  /** Absent: all cards. */
  debitCardId?: string;
  granularity: Granularity;
  /** Inclusive start, epoch milliseconds. */
  from: number;
  /** Exclusive end, epoch milliseconds. */
  to: number;
}

export interface TopCardsQuery {
  limit: number;
  /** Optional window (epoch milliseconds, from inclusive, to exclusive); absent means unbounded. */
  from?: number;
  to?: number;
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

export const INSTANT_RULE =
  'must be an ISO-8601 instant with a time zone, e.g. 2026-01-31T09:30:00Z (write a "+" offset as %2B)';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate(); // day 0 of the next month
}

/**
 * Parses an ISO-8601 instant with an explicit zone ("Z" or "+01:00") into epoch milliseconds, or
 * undefined. Stricter than Date.parse, which accepts "2026-02-30" (as 2 March) and zone-less times
 * (as local time). Fractions beyond milliseconds are truncated.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = INSTANT.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zulu, sign, oh, om] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const [offsetHours, offsetMinutes] = [Number(oh ?? 0), Number(om ?? 0)];
  const valid =
    year >= 1970 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!valid) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (offsetHours * HOUR_MS + offsetMinutes * MINUTE_MS);
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMs;
}

function unknownParameters(query: Record<string, unknown>, allowed: readonly string[]): FieldError[] {
  return Object.keys(query)
    .filter((name) => !allowed.includes(name))
    .map((name) => ({ parameter: name, detail: 'is not an accepted query parameter' }));
}

/** Reads an optional instant parameter, recording an error when it is present but invalid. */
function optionalInstant(
  query: Record<string, unknown>,
  name: 'from' | 'to',
  errors: FieldError[],
): number | undefined | null {
  const value = query[name];
  if (value === undefined) return undefined;
  const parsed = parseInstant(value);
  if (parsed === undefined) {
    errors.push({ parameter: name, detail: INSTANT_RULE });
    return null; // present but invalid: no default either
  }
  return parsed;
}

function describeWindow(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS} days` : `${ms / HOUR_MS} hours`;
}

/**
 * GET /analytics/withdrawals?debitCardId=&granularity=minute|hour|day&from=&to=
 * Defaults: all cards, granularity hour, to = now, from = to - 24 h.
 */
export function parseWithdrawalsQuery(query: Record<string, unknown>, now = Date.now()): WithdrawalsQuery {
  const errors = unknownParameters(query, ['debitCardId', 'granularity', 'from', 'to']);

  const { debitCardId, granularity = 'hour' } = query;
  if (debitCardId !== undefined && !isCardId(debitCardId)) {
    errors.push({ parameter: 'debitCardId', detail: CARD_ID_RULE });
  }
  const knownGranularity = GRANULARITIES.find((candidate) => candidate === granularity);
  if (knownGranularity === undefined) {
    errors.push({ parameter: 'granularity', detail: `must be one of ${GRANULARITIES.join(', ')}` });
  }

  const from = optionalInstant(query, 'from', errors);
  const to = optionalInstant(query, 'to', errors);
  const end = to ?? now;
  const start = from ?? end - DEFAULT_WINDOW_MS;
  if (from !== null && to !== null) {
    if (start >= end) {
      errors.push({ parameter: 'from', detail: 'must be before to (the default to is now)' });
    } else if (knownGranularity !== undefined && end - start > MAX_WINDOW_MS[knownGranularity]) {
      const max = MAX_WINDOW_MS[knownGranularity];
      errors.push({
        parameter: 'from',
        detail: `the window from..to must be at most ${describeWindow(max)} at granularity ${knownGranularity}`,
      });
    }
  }

  if (errors.length > 0 || knownGranularity === undefined) throw validationError(errors);
  return {
    ...(debitCardId === undefined ? {} : { debitCardId: debitCardId as string }),
    granularity: knownGranularity,
    from: start,
    to: end,
  };
}

/** GET /analytics/top-cards?limit=&from=&to= : limit 1..100 (default 10), window unbounded by default. */
export function parseTopCardsQuery(query: Record<string, unknown>): TopCardsQuery {
  const errors = unknownParameters(query, ['limit', 'from', 'to']);

  const { limit } = query;
  let parsedLimit: number | undefined = DEFAULT_TOP_CARDS_LIMIT;
  if (limit !== undefined) {
    const number = typeof limit === 'string' && /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
    parsedLimit = number >= 1 && number <= MAX_TOP_CARDS_LIMIT ? number : undefined;
    if (parsedLimit === undefined) {
      errors.push({ parameter: 'limit', detail: `must be an integer from 1 to ${MAX_TOP_CARDS_LIMIT}` });
    }
  }

  const from = optionalInstant(query, 'from', errors);
  const to = optionalInstant(query, 'to', errors);
  if (typeof from === 'number' && typeof to === 'number' && from >= to) {
    errors.push({ parameter: 'from', detail: 'must be before to' });
  }

  if (errors.length > 0 || parsedLimit === undefined) throw validationError(errors);
  return {
    limit: parsedLimit,
    ...(typeof from === 'number' ? { from } : {}),
    ...(typeof to === 'number' ? { to } : {}),
  };
}
