import type { ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ZodValidationPipe } from '../common/validation.pipe';
import { TopCardsQueryDto, WithdrawalsQueryDto } from './analytics.dto';

const pipe = new ZodValidationPipe();
const NOW = Date.parse('2026-11-23T12:34:56.789Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const parse = (metatype: ArgumentMetadata['metatype'], query: Record<string, unknown>) =>
  pipe.transform(query, { type: 'query', metatype });
const withdrawals = (query: Record<string, unknown>) =>
  parse(WithdrawalsQueryDto, query) as WithdrawalsQueryDto;

/** The parameters named by the VALIDATION_FAILED error for this query. */
function refused(metatype: ArgumentMetadata['metatype'], query: Record<string, unknown>): unknown[] {
  try {
    parse(metatype, query);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
      return error.errors.map((entry) => entry.parameter);
    }
    throw error;
  }
  throw new Error('expected a validation error');
}

beforeEach(() => jest.useFakeTimers({ now: NOW }));
afterEach(() => jest.useRealTimers());

describe('WithdrawalsQueryDto', () => {
  it('defaults to all cards, hourly buckets, the last 24 hours', () => {
    expect(withdrawals({})).toEqual({ granularity: 'hour', from: NOW - DAY, to: NOW });
  });

  it.each([
    ['2026-11-23T12:00:00Z', '2026-11-23T12:00:00.000Z'],
    ['2026-11-23T12:00Z', '2026-11-23T12:00:00.000Z'],
    ['2026-11-23T12:00:00.5Z', '2026-11-23T12:00:00.500Z'],
    ['2026-11-23T12:00:00.123456789Z', '2026-11-23T12:00:00.123Z'],
    ['2026-11-23T13:30:00+01:30', '2026-11-23T12:00:00.000Z'],
    ['2026-11-23T07:00:00-05:00', '2026-11-23T12:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads the instant %s as %s', (input, expected) => {
    expect(new Date(withdrawals({ granularity: 'day', from: input }).from).toISOString()).toBe(expected);
  });

  it.each([
    ['no zone (would be local time)', '2026-11-23T12:00:00'],
    ['a date only', '2026-11-23'],
    ['30 February (Date.parse rolls it into March)', '2026-02-30T00:00:00Z'],
    ['29 February of a common year', '2026-02-29T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 24', '2026-11-23T24:00:00Z'],
    ['second 60', '2026-11-23T12:00:60Z'],
    ['an offset whose "+" became a space in the query string', '2026-11-23T12:00:00 01:00'],
    ['epoch milliseconds', '1795436400000'],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['SQL', "2026-11-23T12:00:00Z' OR '1'='1"],
    ['a repeated parameter', ['2026-11-23T12:00:00Z', '2026-11-23T13:00:00Z']],
  ])('refuses an instant: %s', (_label, input) => {
    expect(refused(WithdrawalsQueryDto, { to: input })).toEqual(['to']);
  });

  it('reads every parameter', () => {
    const query = {
      debitCardId: 'card-1',
      granularity: 'minute',
      from: '2026-11-23T10:00:00Z',
      to: '2026-11-23T11:00:00Z',
    };
    expect(withdrawals(query)).toEqual({
      debitCardId: 'card-1',
      granularity: 'minute',
      from: Date.parse('2026-11-23T10:00:00Z'),
      to: Date.parse('2026-11-23T11:00:00Z'),
    });
  });

  it('takes a window of 24 hours before the given to, and up to now from the given from', () => {
    expect(withdrawals({ to: '2026-11-20T00:00:00Z' })).toMatchObject({
      from: Date.parse('2026-11-19T00:00:00Z'),
      to: Date.parse('2026-11-20T00:00:00Z'),
    });
    expect(withdrawals({ from: '2026-11-23T00:00:00Z' })).toMatchObject({
      from: Date.parse('2026-11-23T00:00:00Z'),
      to: NOW,
    });
  });

  it.each([
    ['minute', 7 * DAY],
    ['hour', 92 * DAY],
    ['day', 3660 * DAY],
  ])('accepts a %s window of exactly the maximum and refuses one millisecond more', (granularity, max) => {
    const to = '2026-11-23T00:00:00.000Z';
    const at = (ms: number) => new Date(Date.parse(to) - ms).toISOString();
    expect(withdrawals({ granularity, from: at(max), to }).granularity).toBe(granularity);
    expect(refused(WithdrawalsQueryDto, { granularity, from: at(max + 1), to })).toEqual(['from']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown parameter', { debitCard: '1' }, ['debitCard']],
    ['a card id with a quote', { debitCardId: "1' OR '1'='1" }, ['debitCardId']],
    ['an empty card id', { debitCardId: '' }, ['debitCardId']],
    ['a granularity outside the whitelist', { granularity: "PT1M') --" }, ['granularity']],
    ['granularity week', { granularity: 'week' }, ['granularity']],
    ['an invalid from', { from: 'yesterday' }, ['from']],
    ['an invalid to', { to: '2026-11-23' }, ['to']],
    ['from after to', { from: '2026-11-23T12:00:00Z', to: '2026-11-23T11:00:00Z' }, ['from']],
    ['from equal to to', { from: '2026-11-23T12:00:00Z', to: '2026-11-23T12:00:00Z' }, ['from']],
    ['from in the future (to defaults to now)', { from: '2026-11-24T00:00:00Z' }, ['from']],
    ['a repeated parameter', { granularity: ['hour', 'day'] }, ['granularity']],
  ])('refuses %s', (_label, query, expected) => {
    expect(refused(WithdrawalsQueryDto, query)).toEqual(expected);
  });

  it('lists every problem at once, unknown parameters first', () => {
    const query = { x: '1', debitCardId: '!', granularity: 'year', from: 'a', to: 'b' };
    expect(refused(WithdrawalsQueryDto, query)).toEqual(['x', 'debitCardId', 'granularity', 'from', 'to']);
  });
});

describe('TopCardsQueryDto', () => {
  it('defaults to the top 10 of all time, and reads limit and an optional window', () => {
    expect(parse(TopCardsQueryDto, {})).toEqual({ limit: 10 });
    expect(
      parse(TopCardsQueryDto, { limit: '100', from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' }),
    ).toEqual({
      limit: 100,
      from: Date.parse('2026-11-23T00:00:00Z'),
      to: Date.parse('2026-11-24T00:00:00Z'),
    });
    expect(parse(TopCardsQueryDto, { limit: '1', from: '2026-11-23T00:00:00Z' })).toEqual({
      limit: 1,
      from: Date.parse('2026-11-23T00:00:00Z'),
    });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['limit 0', { limit: '0' }, ['limit']],
    ['limit 101', { limit: '101' }, ['limit']],
    ['a negative limit', { limit: '-1' }, ['limit']],
    ['a fractional limit', { limit: '1.5' }, ['limit']],
    ['an exponent', { limit: '1e1' }, ['limit']],
    ['an empty limit', { limit: '' }, ['limit']],
    ['SQL in limit', { limit: '1; DROP' }, ['limit']],
    ['a repeated limit', { limit: ['1', '2'] }, ['limit']],
    ['an unknown parameter', { granularity: 'hour' }, ['granularity']],
    ['from after to', { from: '2026-11-24T00:00:00Z', to: '2026-11-23T00:00:00Z' }, ['from']],
    ['an invalid from', { from: 'now' }, ['from']],
  ])('refuses %s', (_label, query, expected) => {
    expect(refused(TopCardsQueryDto, query)).toEqual(expected);
  });
});
