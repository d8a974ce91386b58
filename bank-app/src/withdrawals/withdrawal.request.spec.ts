import { DomainError } from '../common/domain-error';
import { parseIdempotencyKey, parseWithdrawalRequest } from './withdrawal.request';

/** Runs the parser and returns the DomainError it throws. */
function rejectionOf(body: unknown): DomainError {
  try {
    parseWithdrawalRequest(body);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('parseWithdrawalRequest', () => {
  it('reads a card id and an amount in cents', () => {
    expect(parseWithdrawalRequest({ debitCard: '123456789', amount: 10.5 })).toEqual({
      debitCardId: '123456789',
      amountCents: 1050n,
    });
  });

  it('refuses extra fields by name (no mass assignment)', () => {
    const error = rejectionOf({ debitCard: '1', amount: 1, usedLimit: 0, id: 'x' });

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errors).toEqual([
      { pointer: '#/usedLimit', detail: 'is not an accepted field' },
      { pointer: '#/id', detail: 'is not an accepted field' },
    ]);
  });

  it('reports every invalid field at once', () => {
    const error = rejectionOf({ debitCard: 'no spaces allowed', amount: '1.005' });

    expect(error.errors.map((e) => e.pointer)).toEqual(['#/debitCard', '#/amount']);
  });

  it.each([null, [], 'text', 42])('refuses a body that is not an object: %p', (body) => {
    expect(rejectionOf(body).errors).toEqual([{ pointer: '#', detail: 'the body must be a JSON object' }]);
  });
});

describe('parseIdempotencyKey', () => {
  it('accepts 1 to 255 characters, or no header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('k')).toBe('k');
    expect(parseIdempotencyKey('k'.repeat(255))).toBe('k'.repeat(255));
  });

  it.each(['', 'k'.repeat(256)])('refuses %p', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(DomainError);
  });
});
