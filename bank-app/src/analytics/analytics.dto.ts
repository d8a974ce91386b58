// The query strings of GET /analytics/withdrawals and GET /analytics/top-cards, and their answers. Only
// the parsed, typed values travel further: the SQL is built from constants (analytics.queries.ts).
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CardId, Money, queryInteger } from '../common/schemas';

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The default window of GET /analytics/withdrawals: the last 24 hours. */
export const DEFAULT_WINDOW_MS = DAY_MS;
/** The longest window per granularity: it bounds one request's work and answer (≤ 10,080 buckets). */
export const MAX_WINDOW_MS: Record<Granularity, number> = {
  minute: 7 * DAY_MS,
  hour: 92 * DAY_MS,
  day: 3660 * DAY_MS,
};
export const MAX_TOP_CARDS_LIMIT = 100;

export const INSTANT_RULE =
  'must be an ISO-8601 instant with a time zone, e.g. 2026-01-31T09:30:00Z (write a "+" offset as %2B)';
/** Epoch milliseconds of an instant with its zone; zod checks the calendar (no 30 February), not Date.parse. */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })], {
    error: INSTANT_RULE,
  })
  .refine((text) => text >= '1970', INSTANT_RULE)
  .transform(Date.parse)
  .meta({ description: 'an ISO-8601 instant with a time zone', example: '2026-01-31T09:30:00Z' });

const window = { from: Instant.optional(), to: Instant.optional() };

/** ?debitCardId=&granularity=minute|hour|day&from=&to= ; defaults: all cards, hour, the 24 hours up to now. */
export class WithdrawalsQueryDto extends createZodDto(
  z
    .strictObject({
      debitCardId: CardId.optional(),
      granularity: z.enum(GRANULARITIES).default('hour'),
      ...window,
    })
    .transform(({ from, to = Date.now(), ...query }) => ({
      ...query,
      from: from ?? to - DEFAULT_WINDOW_MS,
      to,
    }))
    .refine(({ from, to }) => from < to, {
      path: ['from'],
      message: 'must be before to (the default to is now)',
    })
    .superRefine(({ granularity, from, to }, context) => {
      const max = MAX_WINDOW_MS[granularity];
      const message = `the window from..to must be at most ${max / DAY_MS} days at granularity ${granularity}`;
      if (to - from > max) context.addIssue({ code: 'custom', path: ['from'], message });
    }),
) {}
export type WithdrawalsQuery = WithdrawalsQueryDto;

/** ?limit=&from=&to= : limit 1..100 (default 10), window unbounded by default. */
export class TopCardsQueryDto extends createZodDto(
  z
    .strictObject({ limit: queryInteger(1, MAX_TOP_CARDS_LIMIT).default(10), ...window })
    .refine(({ from, to }) => from === undefined || to === undefined || from < to, {
      path: ['from'],
      message: 'must be before to',
    }),
) {}
export type TopCardsQuery = TopCardsQueryDto;

export class WithdrawalBucketDto extends createZodDto(
  z.object({ bucket: z.iso.datetime(), count: z.number().int(), total: Money }),
) {}
export class CardTotalDto extends createZodDto(
  z.object({ debitCardId: CardId, count: z.number().int(), total: Money }),
) {}
