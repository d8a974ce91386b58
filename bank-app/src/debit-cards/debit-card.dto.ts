// POST /debitcards and GET /debitcards/{id}: the body, the path and the card.
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { type Cents, MAX_INITIAL_LIMIT_CENTS } from '../common/money';
import { amount, body, CardId, Money } from '../common/schemas';

export type CreateDebitCardCommand = { id: string; initialLimitCents: Cents };

/** `{"id"?: string, "initialLimit": amount}`; a missing id becomes a new uuid (the controller's). */
export class CreateDebitCardDto extends createZodDto(
  body({ id: CardId.optional(), initialLimit: amount(MAX_INITIAL_LIMIT_CENTS) }),
) {}

export class CardIdParamsDto extends createZodDto(z.strictObject({ id: CardId })) {}

export class DebitCardDto extends createZodDto(
  z.object({
    id: CardId,
    initialLimit: Money,
    usedLimit: Money,
    availableBalance: Money,
    version: z.number().int(),
  }),
) {}
