import type { ArgumentMetadata } from '@nestjs/common';
import { WithdrawalHeadersDto, WithdrawalRequestDto } from '../withdrawals/withdrawal.dto';
import { DomainError, type FieldError } from './domain-error';
import { ZodValidationPipe } from './validation.pipe';

const sut = new ZodValidationPipe();

/** The field errors of the VALIDATION_FAILED error the pipe throws for this input. */
function rejectionOf(value: unknown, metadata: ArgumentMetadata): FieldError[] {
  try {
    sut.transform(value, metadata);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') return error.errors;
    throw error;
  }
  throw new Error('expected the input to be rejected');
}

const body: ArgumentMetadata = { type: 'body', metatype: WithdrawalRequestDto };
const headers: ArgumentMetadata = { type: 'custom', metatype: WithdrawalHeadersDto };

describe('ZodValidationPipe', () => {
  it('gives the DTO with the amount in cents', () => {
    expect(sut.transform({ debitCard: '123456789', amount: 10.5 }, body)).toEqual({
      debitCard: '123456789',
      amount: 1050n,
    });
    expect(sut.transform({ debitCard: 'a-1', amount: '1000000000.00' }, body)).toEqual({
      debitCard: 'a-1',
      amount: 100_000_000_000n,
    });
  });

  it('lists unknown fields first, by name (no mass assignment), then each invalid field', () => {
    expect(rejectionOf({ debitCard: 'no spaces', amount: '1.005', usedLimit: 0, id: 'x' }, body)).toEqual([
      { pointer: '#/usedLimit', detail: 'is not an accepted field' },
      { pointer: '#/id', detail: 'is not an accepted field' },
      { pointer: '#/debitCard', detail: 'must be 1 to 36 letters, digits or "-"' },
      { pointer: '#/amount', detail: 'must be a positive decimal with at most 2 fraction digits' },
    ]);
  });

  it.each([
    [0, 'must be at least 0.01'],
    [-10, 'must be a positive decimal with at most 2 fraction digits'],
    [1000000000.01, 'must be at most 1000000000.00'],
    [1e21, 'must be a positive decimal with at most 2 fraction digits'],
    ['1e2', 'must be a positive decimal with at most 2 fraction digits'],
    [' 1', 'must be a positive decimal with at most 2 fraction digits'],
    [null, 'must be a number or a decimal string'],
    [true, 'must be a number or a decimal string'],
    [[10], 'must be a number or a decimal string'],
    [Infinity, 'must be a number or a decimal string'],
  ])('refuses the amount %p: %s', (amount, detail) => {
    expect(rejectionOf({ debitCard: '1', amount }, body)).toEqual([{ pointer: '#/amount', detail }]);
  });

  it.each([null, [], 'text', 42])('refuses a body that is not an object: %p', (value) => {
    expect(rejectionOf(value, body)).toEqual([{ pointer: '#', detail: 'the body must be a JSON object' }]);
  });

  it('names a bad header as it is written, and passes the others', () => {
    expect(rejectionOf({ 'idempotency-key': 'k'.repeat(256) }, headers)).toEqual([
      { header: 'Idempotency-Key', detail: 'must be 1 to 255 characters' },
    ]);
    expect(rejectionOf({ 'idempotency-key': '' }, headers)).toHaveLength(1);
    expect(sut.transform({ 'idempotency-key': 'k'.repeat(255), host: 'x' }, headers)).toEqual({
      'idempotency-key': 'k'.repeat(255),
    });
    expect(sut.transform({ host: 'x' }, headers)).toEqual({});
  });

  it('refuses a parameter that is not a zod DTO (every input has a schema)', () => {
    expect(() => sut.transform('x', { type: 'param', metatype: String, data: 'id' })).toThrow(
      'Internal Server Error',
    );
  });
});
