// The query string of GET /moneywithdrawals: debitCardId (required), limit (1..1000, default 100),
// minVersion (wait until the read model holds this version of the card).
import { FieldError, validationError } from '../common/domain-error';
import { CARD_ID_RULE, isCardId } from '../common/request-validation';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface StatementQuery {
  debitCardId: string;
  limit: number;
  minVersion?: number;
}

const ALLOWED = ['debitCardId', 'limit', 'minVersion'];

/** A non-negative integer written in plain digits (no sign, exponent or fraction), within `max`. */
function parseInteger(value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

export function parseStatementQuery(query: Record<string, unknown>): StatementQuery {
  const errors: FieldError[] = Object.keys(query)
    .filter((name) => !ALLOWED.includes(name))
    .map((name) => ({ parameter: name, detail: 'is not an accepted query parameter' }));
  const { debitCardId, limit, minVersion } = query;
  if (debitCardId === undefined) errors.push({ parameter: 'debitCardId', detail: 'is required' });
  else if (!isCardId(debitCardId)) errors.push({ parameter: 'debitCardId', detail: CARD_ID_RULE });

  const parsedLimit = limit === undefined ? DEFAULT_LIMIT : parseInteger(limit, 1, MAX_LIMIT);
  if (parsedLimit === undefined)
    errors.push({ parameter: 'limit', detail: `must be an integer from 1 to ${MAX_LIMIT}` });

  const parsedMinVersion =
    minVersion === undefined ? undefined : parseInteger(minVersion, 0, Number.MAX_SAFE_INTEGER);
  if (minVersion !== undefined && parsedMinVersion === undefined) {
    errors.push({ parameter: 'minVersion', detail: 'must be a non-negative integer' });
  }
  if (errors.length > 0) throw validationError(errors);
  return { debitCardId: debitCardId as string, limit: parsedLimit as number, minVersion: parsedMinVersion };
}
