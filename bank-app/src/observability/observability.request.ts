// The query strings of GET /pipeline/trace and GET /pipeline/reconcile, checked like every other
// request of the API: unknown parameters and bad values are one VALIDATION_FAILED (400) listing them.
import { FieldError, validationError } from '../common/domain-error';
import { CARD_ID_RULE, isCardId } from '../common/request-validation';

/** Same rule as an acceptable X-Request-Id (common/request-id.ts). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const WITHDRAWAL_ID = /^[0-9a-fA-F-]{36}$/;

export const DEFAULT_RECONCILE_LIMIT = 50;
export const MAX_RECONCILE_LIMIT = 200;

export type TraceQuery = { requestId: string } | { withdrawalId: string };

export interface ReconcileQuery {
  /** Absent: every card, by id, at most `limit`. */
  debitCardId?: string;
  limit: number;
}

function unknownParameters(query: Record<string, unknown>, allowed: string[]): FieldError[] {
  return Object.keys(query)
    .filter((name) => !allowed.includes(name))
    .map((name) => ({ parameter: name, detail: 'is not an accepted query parameter' }));
}

export function parseTraceQuery(query: Record<string, unknown>): TraceQuery {
  const errors = unknownParameters(query, ['requestId', 'withdrawalId']);
  const { requestId, withdrawalId } = query;
  if ((requestId === undefined) === (withdrawalId === undefined)) {
    errors.push({ parameter: 'requestId', detail: 'give exactly one of requestId and withdrawalId' });
  } else if (requestId !== undefined && (typeof requestId !== 'string' || !REQUEST_ID.test(requestId))) {
    errors.push({ parameter: 'requestId', detail: 'must be 1 to 64 letters, digits or . _ : -' });
  } else if (
    withdrawalId !== undefined &&
    (typeof withdrawalId !== 'string' || !WITHDRAWAL_ID.test(withdrawalId))
  ) {
    errors.push({ parameter: 'withdrawalId', detail: 'must be a uuid' });
  }
  if (errors.length > 0) throw validationError(errors);
  return typeof requestId === 'string' ? { requestId } : { withdrawalId: withdrawalId as string };
}

export function parseReconcileQuery(query: Record<string, unknown>): ReconcileQuery {
  const errors = unknownParameters(query, ['debitCardId', 'limit']);
  const { debitCardId, limit } = query;
  if (debitCardId !== undefined && !isCardId(debitCardId)) {
    errors.push({ parameter: 'debitCardId', detail: CARD_ID_RULE });
  }
  let parsedLimit = DEFAULT_RECONCILE_LIMIT;
  if (limit !== undefined) {
    const number = typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(number >= 1 && number <= MAX_RECONCILE_LIMIT)) {
      errors.push({ parameter: 'limit', detail: `must be an integer from 1 to ${MAX_RECONCILE_LIMIT}` });
    } else parsedLimit = number;
  }
  if (errors.length > 0) throw validationError(errors);
  return { ...(typeof debitCardId === 'string' ? { debitCardId } : {}), limit: parsedLimit };
}
