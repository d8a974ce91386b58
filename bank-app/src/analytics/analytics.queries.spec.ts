import { validateEnv } from '../config/env.schema';
import { BUCKET_PERIODS, topCardsSql, withdrawalsSql } from './analytics.queries';

const from = Date.parse('2026-11-23T10:00:00Z');
const to = Date.parse('2026-11-23T11:00:00Z');

describe('withdrawalsSql', () => {
  it('filters on the window and the card with typed parameters, and buckets by the fixed period', () => {
    const request = withdrawalsSql({ debitCardId: 'card-1', granularity: 'minute', from, to });

    expect(request.query).toBe(
      `SELECT TIME_FLOOR(__time, 'PT1M') AS "bucket", COUNT(*) AS "count", ` +
        `CAST(SUM("amountMinor") AS VARCHAR) AS "totalMinor" FROM "bankapp" ` +
        `WHERE __time >= ? AND __time < ? AND "debitCardId" = ? GROUP BY 1 ORDER BY 1`,
    );
    expect(request.parameters).toEqual([
      { type: 'TIMESTAMP', value: from },
      { type: 'TIMESTAMP', value: to },
      { type: 'VARCHAR', value: 'card-1' },
    ]);
    expect(request.resultFormat).toBe('object');
    expect(request.context).toMatchObject({ sqlTimeZone: 'Etc/UTC' });
  });

  it('covers all cards without a card condition', () => {
    const request = withdrawalsSql({ granularity: 'day', from, to });

    expect(request.query).toContain(`TIME_FLOOR(__time, 'P1D')`);
    expect(request.query).not.toContain('debitCardId');
    expect(request.parameters).toHaveLength(2);
  });

  it.each(Object.entries(BUCKET_PERIODS))(
    'maps granularity %s to the literal period %s',
    (granularity, period) => {
      const request = withdrawalsSql({ granularity: granularity as keyof typeof BUCKET_PERIODS, from, to });
      expect(request.query).toContain(`TIME_FLOOR(__time, '${period}')`);
    },
  );

  it('never puts a value into the SQL text', () => {
    const card = 'x-card-value-0123456789';
    const request = withdrawalsSql({ debitCardId: card, granularity: 'hour', from, to });

    expect(request.query).not.toContain(card);
    expect(request.query).not.toContain(String(from));
    expect(request.query.split('?')).toHaveLength(request.parameters.length + 1);
  });
});

describe('topCardsSql', () => {
  it('ranks by the exact sum, ties by card id, with the limit as a parameter', () => {
    const request = topCardsSql({ limit: 7 });

    expect(request.query).toBe(
      `SELECT "debitCardId", COUNT(*) AS "count", CAST(SUM("amountMinor") AS VARCHAR) AS "totalMinor" ` +
        `FROM "bankapp" GROUP BY "debitCardId" ORDER BY SUM("amountMinor") DESC, "debitCardId" LIMIT ?`,
    );
    expect(request.parameters).toEqual([{ type: 'INTEGER', value: 7 }]);
    // Otherwise Druid answers "ORDER BY metric LIMIT n" with an approximate TopN.
    expect(request.context).toMatchObject({ useApproximateTopN: false });
  });

  it('adds the optional window bounds as parameters', () => {
    expect(topCardsSql({ limit: 5, from }).parameters).toEqual([
      { type: 'TIMESTAMP', value: from },
      { type: 'INTEGER', value: 5 },
    ]);
    const both = topCardsSql({ limit: 5, from, to });
    expect(both.query).toContain('WHERE __time >= ? AND __time < ? GROUP BY');
    expect(both.query.split('?')).toHaveLength(both.parameters.length + 1);
  });
});

describe('analytics settings', () => {
  it('defaults the Druid query timeout to 5 s and the health check timeout to 2 s', () => {
    expect(validateEnv({})).toMatchObject({ DRUID_QUERY_TIMEOUT_MS: 5000, HEALTH_CHECK_TIMEOUT_MS: 2000 });
  });

  it.each(['DRUID_QUERY_TIMEOUT_MS', 'HEALTH_CHECK_TIMEOUT_MS'])('refuses %s=0 and names it', (name) => {
    expect(() => validateEnv({ [name]: '0' })).toThrow(name);
  });
});
