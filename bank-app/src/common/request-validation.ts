// Small, explicit checks for request input. Each request parser collects FieldErrors and throws one
// VALIDATION_FAILED error listing them all.
import { FieldError, validationError } from './domain-error';

/** Card ids: 1 to 36 letters, digits or '-' (a uuid fits). */
const CARD_ID = /^[A-Za-z0-9-]{1,36}$/;

export function isCardId(value: unknown): value is string {
  return typeof value === 'string' && CARD_ID.test(value);
}

export const CARD_ID_RULE = 'must be 1 to 36 letters, digits or "-"';

/** Validates a card id taken from the path or the query string; throws VALIDATION_FAILED. */
export function parseCardIdParameter(value: unknown, parameter: string): string {
  if (!isCardId(value)) throw validationError([{ parameter, detail: CARD_ID_RULE }]);
  return value;
}

/**
 * Checks that a parsed JSON body is an object with no fields beyond `allowed` (no mass assignment:
 * `usedLimit` or `id` in a withdrawal is refused, not ignored). Returns the body and the errors so far.
 */
export function readBodyObject(
  body: unknown,
  allowed: readonly string[],
): { fields: Record<string, unknown>; errors: FieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ pointer: '#', detail: 'the body must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(fields)
    .filter((name) => !allowed.includes(name))
    .map((name) => ({ pointer: jsonPointer(name), detail: 'is not an accepted field' }));
  return { fields, errors };
}

/** JSON pointer (RFC 6901) to a top-level field of the body, e.g. "#/amount". */
export function jsonPointer(field: string): string {
  return `#/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
