// GET /pipeline/trace and GET /pipeline/reconcile: their query strings and answers.
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CardId, Money, queryInteger } from '../common/schemas';

export const DEFAULT_RECONCILE_LIMIT = 50;
export const MAX_RECONCILE_LIMIT = 200;

/** ?requestId= or ?withdrawalId=, exactly one; a request id follows the X-Request-Id rule (common/request-id.ts). */
export class TraceQueryDto extends createZodDto(
  z
    .strictObject({
      requestId: z
        .string()
        .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits or . _ : -')
        .optional(),
      withdrawalId: z
        .string()
        .regex(/^[0-9a-fA-F-]{36}$/, 'must be a uuid')
        .optional(),
    })
    .refine(({ requestId, withdrawalId }) => (requestId === undefined) !== (withdrawalId === undefined), {
      path: ['requestId'],
      message: 'give exactly one of requestId and withdrawalId',
    }),
) {}
/** What a valid TraceQueryDto is (its refinement leaves exactly one of the two). */
export type TraceQuery = { requestId: string } | { withdrawalId: string };

/** ?debitCardId=&limit= : one card, or the first `limit` cards by id. */
export class ReconcileQueryDto extends createZodDto(
  z.strictObject({
    debitCardId: CardId.optional(),
    limit: queryInteger(1, MAX_RECONCILE_LIMIT).default(DEFAULT_RECONCILE_LIMIT),
  }),
) {}
export type ReconcileQuery = ReconcileQueryDto;

const TraceHop = z.object({
  hop: z.enum(['commit', 'debit_card', 'read_model', 'ministatement', 'druid']),
  status: z.enum(['done', 'pending', 'unknown']),
  at: z.iso.datetime().nullable(),
  sinceCommitMs: z.number().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export class TraceDto extends createZodDto(
  z.object({
    query: z.union([z.object({ requestId: z.string() }), z.object({ withdrawalId: z.string() })]),
    withdrawals: z.array(
      z.object({
        withdrawalId: z.uuid(),
        debitCardId: CardId,
        amount: Money.nullable(),
        version: z.number().int(),
        requestId: z.string().nullable(),
        hops: z.array(TraceHop),
      }),
    ),
  }),
) {}

const Totals = z.object({ count: z.number().int(), sum: Money });
export class ReconciliationDto extends createZodDto(
  z.object({
    generatedAt: z.iso.datetime(),
    consistent: z.boolean(),
    druidAvailable: z.boolean(),
    cards: z.array(
      z.object({
        debitCardId: CardId,
        usedLimit: Money,
        baseline: Money,
        readModel: Totals,
        druid: Totals.nullable(),
        consistent: z.boolean(),
        mismatches: z.array(z.string()),
      }),
    ),
  }),
) {}
