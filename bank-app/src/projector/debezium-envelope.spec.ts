// Contract tests of the envelope parser on events captured from the real connector
// (test/fixtures/debezium, written by capture.ts), in both JSON converter shapes.
import fs from 'node:fs';
import path from 'node:path';
import {
  interpretChangeEvent,
  ministatementMessage,
  parseRecordValue,
  PoisonEventError,
  type ChangeMeaning,
} from './debezium-envelope';

type Shape = 'schemaless' | 'with-schema';
const fixtureDir = path.join(__dirname, '..', '..', 'test', 'fixtures', 'debezium');

function fixture(shape: Shape, name: string): { key: unknown; value: unknown } {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir, shape, `${name}.json`), 'utf8')) as {
    key: unknown;
    value: unknown;
  };
}

/** The bare envelope of a fixture, for building variants of it. */
function envelope(shape: Shape, name: string): Record<string, Record<string, unknown>> {
  const value = fixture(shape, name).value as Record<string, unknown>;
  return (shape === 'with-schema' ? value.payload : value) as Record<string, Record<string, unknown>>;
}

describe.each<Shape>(['schemaless', 'with-schema'])('interpretChangeEvent on captured %s events', (shape) => {
  it('turns a snapshot read into the card baseline, not a withdrawal', () => {
    const meaning = interpretChangeEvent(fixture(shape, 'read').value);
    expect(meaning).toMatchObject({ kind: 'baseline', usedLimit: 0n, version: 0 });
  });

  it('turns a create into the card baseline, not a withdrawal', () => {
    expect(interpretChangeEvent(fixture(shape, 'create').value)).toMatchObject({
      kind: 'baseline',
      usedLimit: 0n,
      version: 0,
    });
  });

  it('derives the withdrawal from an update: amount = after.used_limit - before.used_limit', () => {
    const meaning = interpretChangeEvent(fixture(shape, 'update').value);
    const after = envelope(shape, 'update').after;
    expect(meaning).toEqual<ChangeMeaning>({
      kind: 'withdrawal',
      withdrawal: {
        id: after.last_withdrawal_id as string,
        debitCardId: after.id as string,
        amount: 1000n,
        version: 1,
        transactionDate: after.last_withdrawn_at as string,
        requestId: 'fixture-request-1',
      },
    });
  });

  it('ignores a delete and its tombstone', () => {
    expect(interpretChangeEvent(fixture(shape, 'delete').value)).toEqual({
      kind: 'ignored',
      reason: 'delete',
    });
    const tombstone = fixture(shape, 'tombstone');
    expect(tombstone.value).toBeNull();
    expect(interpretChangeEvent(tombstone.value)).toEqual({ kind: 'ignored', reason: 'tombstone' });
  });
});

describe('interpretChangeEvent on malformed or impossible events', () => {
  const update = () => envelope('schemaless', 'update');

  it.each<[string, () => unknown, RegExp]>([
    ['a JSON array', () => [], /not a JSON object/],
    ['no op', () => ({ ...update(), op: undefined }), /"op" is missing/],
    ['an unknown op', () => ({ ...update(), op: 'x' }), /unknown op "x"/],
    ['no after image', () => ({ ...update(), after: null }), /"after" is missing/],
    [
      'a base64 decimal',
      () => ({ ...update(), after: { ...update().after, used_limit: 'AQ==' } }),
      /not a decimal/,
    ],
    [
      'a negative delta',
      () => ({
        ...update(),
        after: { ...update().after, used_limit: '0.00' },
        before: { ...update().before, used_limit: '5.00' },
      }),
      /negative used_limit delta -5.00/,
    ],
    ['a version jump', () => ({ ...update(), after: { ...update().after, version: 7 } }), /expected \+1/],
    [
      'a withdrawal without its id',
      () => ({ ...update(), after: { ...update().after, last_withdrawal_id: null } }),
      /without last_withdrawal_id/,
    ],
    [
      'a fractional version',
      () => ({ ...update(), after: { ...update().after, version: 1.5 } }),
      /version is not/,
    ],
  ])('rejects %s as poison', (_label, build, reason) => {
    expect(() => interpretChangeEvent(build())).toThrow(PoisonEventError);
    expect(() => interpretChangeEvent(build())).toThrow(reason);
  });

  it('rejects a value that is not JSON', () => {
    expect(() => parseRecordValue(Buffer.from('not json'))).toThrow(PoisonEventError);
    expect(parseRecordValue(null)).toBeNull();
  });
});

describe('ministatementMessage', () => {
  it('writes the amount as a decimal string and exact cents, the date with milliseconds', () => {
    const message = ministatementMessage({
      id: 'w-1',
      debitCardId: 'card-1',
      amount: 123456789n,
      version: 3,
      transactionDate: '2026-11-23T12:05:33.754709Z',
      requestId: 'r-1',
    });
    expect(message).toEqual({
      id: 'w-1',
      debitCardId: 'card-1',
      amount: '1234567.89',
      amountMinor: 123456789,
      transactionDate: '2026-11-23T12:05:33.754Z',
      version: 3,
      requestId: 'r-1',
    });
  });
});
