// POST /moneywithdrawals: the body, the Idempotency-Key header and the 202 receipt.
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { MAX_WITHDRAWAL_CENTS, type Cents } from '../common/money';
import { amount, body, CardId, Money } from '../common/schemas';

export type WithdrawalCommand = { debitCardId: string; amountCents: Cents };

/** `{"debitCard": "123456789", "amount": 10.00}`; `amount` comes out in cents. */
export class WithdrawalRequestDto extends createZodDto(
  body({ debitCard: CardId, amount: amount(MAX_WITHDRAWAL_CENTS) }),
) {}

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IdempotencyKey = z
  .string()
  .min(1, 'must be 1 to 255 characters')
  .max(255, 'must be 1 to 255 characters')
  .meta({ description: 'a retry with the same key and body replays the first answer' });
export class WithdrawalHeadersDto extends createZodDto(
  z.object({ [IDEMPOTENCY_KEY_HEADER]: IdempotencyKey.optional() }),
) {}

export class WithdrawalReceiptDto extends createZodDto(
  z.object({
    withdrawalId: z.uuid().describe('the id of the statement line this withdrawal will have'),
    debitCardId: CardId,
    amount: Money,
    availableBalance: Money,
    version: z.number().int().describe("the card's version after this withdrawal"),
  }),
) {}
