// Errors the services throw. They carry a stable code and a client-safe detail, and nothing about HTTP:
// only the problem-details filter turns a code into a status, so the same service can be called from a
// Kafka consumer or a script without dragging HTTP semantics along.

export type DomainErrorCode =
  | 'MALFORMED_JSON'
  | 'VALIDATION_FAILED'
  | 'CARD_NOT_FOUND'
  | 'CARD_ALREADY_EXISTS'
  | 'WITHDRAWAL_INSUFFICIENT_FUNDS'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_REQUEST_IN_FLIGHT'
  | 'ANALYTICS_UNAVAILABLE'
  | 'NOT_READY';

/** One invalid input, in the style of RFC 9457's `errors` example. Exactly one locator is set. */
export interface FieldError {
  detail: string;
  /** JSON pointer into the request body, e.g. "#/amount". */
  pointer?: string;
  /** Name of a path or query parameter. */
  parameter?: string;
  /** Name of a request header. */
  header?: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** Shown to the client as the problem's `detail`: never put SQL or internals here. */
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
  }
}

export function validationError(errors: FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', 'The request is invalid; see errors.', errors);
}
