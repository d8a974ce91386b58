// The body of POST /debitcards, checked field by field.
import { randomUUID } from 'node:crypto';
import { validationError } from '../common/domain-error';
import { Cents, InvalidAmountError, MAX_INITIAL_LIMIT_CENTS, parseAmount } from '../common/money';
import { CARD_ID_RULE, isCardId, jsonPointer, readBodyObject } from '../common/request-validation';

export interface CreateDebitCardCommand {
  id: string;
  initialLimitCents: Cents;
}

/** `{"id"?: string, "initialLimit": amount}`; a missing id becomes a new uuid. */
export function parseCreateDebitCardRequest(body: unknown): CreateDebitCardCommand {
  const { fields, errors } = readBodyObject(body, ['id', 'initialLimit']);

  let id = '';
  if (!Object.hasOwn(fields, 'id')) {
    id = randomUUID();
  } else if (isCardId(fields.id)) {
    id = fields.id;
  } else {
    errors.push({ pointer: jsonPointer('id'), detail: CARD_ID_RULE });
  }

  let initialLimitCents: Cents = 0n;
  try {
    initialLimitCents = parseAmount(fields.initialLimit, MAX_INITIAL_LIMIT_CENTS);
  } catch (error) {
    if (!(error instanceof InvalidAmountError)) throw error;
    errors.push({ pointer: jsonPointer('initialLimit'), detail: error.message });
  }

  if (errors.length > 0) throw validationError(errors);
  return { id, initialLimitCents };
}
