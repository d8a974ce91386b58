import { DomainError } from '../common/domain-error';
import { parseReconcileQuery, parseTraceQuery } from './observability.request';

const rejects = (parse: () => unknown): DomainError => {
  try {
    parse();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
};

describe('parseTraceQuery', () => {
  it('accepts a request id or a withdrawal id', () => {
    expect(parseTraceQuery({ requestId: 'abc-1:2' })).toEqual({ requestId: 'abc-1:2' });
    const withdrawalId = '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c';
    expect(parseTraceQuery({ withdrawalId })).toEqual({ withdrawalId });
  });

  it.each([
    [{}],
    [{ requestId: 'a', withdrawalId: '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c' }],
    [{ requestId: "a' OR 1=1" }],
    [{ requestId: 'x'.repeat(65) }],
    [{ requestId: ['a', 'b'] }],
    [{ withdrawalId: 'not-a-uuid' }],
    [{ requestId: 'a', extra: '1' }],
  ])('refuses %j', (query) => {
    expect(rejects(() => parseTraceQuery(query)).code).toBe('VALIDATION_FAILED');
  });
});

describe('parseReconcileQuery', () => {
  it('defaults to every card, bounded', () => {
    expect(parseReconcileQuery({})).toEqual({ limit: 50 });
    expect(parseReconcileQuery({ debitCardId: 'card-1', limit: '200' })).toEqual({
      debitCardId: 'card-1',
      limit: 200,
    });
  });

  it.each([[{ debitCardId: 'a b' }], [{ limit: '0' }], [{ limit: '201' }], [{ limit: '1e2' }], [{ x: '1' }]])(
    'refuses %j',
    (query) => {
      expect(rejects(() => parseReconcileQuery(query)).code).toBe('VALIDATION_FAILED');
    },
  );
});
