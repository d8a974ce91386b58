// GET /moneywithdrawals: the query string and the statement lines.
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CardId, Money, queryInteger } from '../common/schemas';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export class StatementQueryDto extends createZodDto(
  z.strictObject({
    debitCardId: CardId,
    limit: queryInteger(1, MAX_LIMIT).default(DEFAULT_LIMIT),
    minVersion: queryInteger(0, Number.MAX_SAFE_INTEGER, 'must be a non-negative integer')
      .optional()
      .describe('wait (bounded) until the read model holds this version of the card'),
  }),
) {}

export class StatementLineDto extends createZodDto(
  z.object({
    id: z.uuid(),
    debitCardId: CardId,
    amount: Money,
    transactionDate: z.iso.datetime(),
    version: z.number().int(),
    requestId: z.string().nullable(),
  }),
) {}
