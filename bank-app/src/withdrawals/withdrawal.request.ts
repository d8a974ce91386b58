// The input of POST /moneywithdrawals: the body and the optional Idempotency-Key header.
import { validationError } from '../common/domain-error';
import { Cents, InvalidAmountError, MAX_WITHDRAWAL_CENTS, parseAmount } from '../common/money';
import { CARD_ID_RULE, isCardId, jsonPointer, readBodyObject } from '../common/request-validation';

export interface WithdrawalCommand {
  debitCardId: string;
  amountCents: Cents;
}

/** `{"debitCard": "123456789", "amount": 10.00}`; any other field is refused. */
export function parseWithdrawalRequest(body: unknown): WithdrawalCommand {
  const { fields, errors } = readBodyObject(body, ['debitCard', 'amount']);

  const debitCardId = fields.debitCard;
  if (!isCardId(debitCardId)) {
    errors.push({ pointer: jsonPointer('debitCard'), detail: CARD_ID_RULE });
  }

  let amountCents: Cents = 0n;
  try {
    amountCents = parseAmount(fields.amount, MAX_WITHDRAWAL_CENTS);
  } catch (error) {
    if (!(error instanceof InvalidAmountError)) throw error;
    errors.push({ pointer: jsonPointer('amount'), detail: error.message });
  }

  if (errors.length > 0 || !isCardId(debitCardId)) throw validationError(errors);
  return { debitCardId, amountCents };
}

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The Idempotency-Key header: absent is fine, present must be 1 to 255 characters. */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw validationError([
      { header: 'Idempotency-Key', detail: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` },
    ]);
  }
  return value;
}
