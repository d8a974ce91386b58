// GET /analytics/* against the real Druid: withdrawals made through the API travel MariaDB → Debezium →
// projector → `ministatement` → Druid, and the buckets and the ranking the API answers agree with the
// read model to the cent. Assertions look only at this test's own cards and time window, so traffic
// from other tests on the same stack does not disturb them. Also: every parameter is validated, and an
// unreachable or slow Druid is a 503 problem with Retry-After.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { CardTotal, WithdrawalBucket } from '../src/analytics/analytics.service';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb } from './support/db';
import { cents, withdraw, type Receipt } from './support/exactly-once';
import { countsByCard, startAppWithEnv, waitForDruidToMatchReadModel } from './support/druid';
import { waitForConnectorRunning } from './support/pipeline';

let testApp: TestApp;
let db: Pool;

beforeAll(async () => {
  testApp = await startApp();
  db = openTestDb();
  await waitForConnectorRunning();
});

afterAll(async () => {
  await testApp?.close();
  await db?.end();
});

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type Granularity = keyof typeof UNIT_MS;

function formatCents(value: bigint): string {
  return `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;
}

interface LineRow extends RowDataPacket {
  transaction_date: Date;
  amount: string;
}

/** The buckets the API should answer for a card, computed from the read model's own lines. */
async function expectedBuckets(card: string, granularity: Granularity): Promise<WithdrawalBucket[]> {
  const [lines] = await db.query<LineRow[]>(
    'SELECT transaction_date, amount FROM money_withdrawal WHERE debit_card_id = ?',
    [card],
  );
  const buckets = new Map<number, { count: number; total: bigint }>();
  for (const line of lines) {
    const start = Math.floor(line.transaction_date.getTime() / UNIT_MS[granularity]) * UNIT_MS[granularity];
    const bucket = buckets.get(start) ?? { count: 0, total: 0n };
    buckets.set(start, { count: bucket.count + 1, total: bucket.total + cents(line.amount) });
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { count, total }]) => ({
      bucket: new Date(start).toISOString(),
      count,
      total: formatCents(total),
    }));
}

describe('over real Druid', () => {
  const BIG = '999999999.99'; // close to the largest withdrawal: sums far beyond a 32-bit integer
  let cards: { large: string; medium: string; small: string };
  let from: string;
  let to: string;

  beforeAll(async () => {
    // A window around this test's own withdrawals (minute-aligned start, generous end).
    from = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
    const [large, medium, small] = await Promise.all(
      ['an-large', 'an-medium', 'an-small'].map((prefix) => createCard(testApp, '1000000000000.00', prefix)),
    );
    cards = { large, medium, small };
    const receipts: Receipt[] = [];
    for (const [card, amounts] of [
      [large, [BIG, BIG, BIG, BIG]],
      [medium, [BIG, BIG, '0.05']],
      [small, ['12.34', '0.01', '7.50']],
    ] as const) {
      for (const amount of amounts) receipts.push(await withdraw(testApp, card, amount));
    }
    to = new Date(Date.now() + 120_000).toISOString();
    await waitForDruidToMatchReadModel(db, Object.values(cards), { expectedCounts: countsByCard(receipts) });
  }, 150_000);

  it.each<Granularity>(['minute', 'hour', 'day'])(
    'answers the %s buckets of a card exactly as the read model sums them',
    async (granularity) => {
      for (const card of Object.values(cards)) {
        const response = await testApp
          .api()
          .get('/analytics/withdrawals')
          .query({ debitCardId: card, granularity, from, to });

        expect(response.status).toBe(200);
        expect(response.body).toEqual(await expectedBuckets(card, granularity));
      }
    },
  );

  it('gives the exact total of large amounts (no floating point on the way)', async () => {
    const response = await testApp
      .api()
      .get('/analytics/withdrawals')
      .query({ debitCardId: cards.large, granularity: 'day', from, to });

    const buckets = response.body as WithdrawalBucket[];
    const total = buckets.reduce((sum, bucket) => sum + cents(bucket.total), 0n);
    expect(formatCents(total)).toBe('3999999999.96');
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(4);
  });

  it('covers every card without debitCardId: each bucket holds at least this test’s withdrawals', async () => {
    const response = await testApp
      .api()
      .get('/analytics/withdrawals')
      .query({ granularity: 'minute', from, to });

    expect(response.status).toBe(200);
    const all = new Map((response.body as WithdrawalBucket[]).map((bucket) => [bucket.bucket, bucket]));
    const mine = new Map<string, { count: number; total: bigint }>();
    for (const card of Object.values(cards)) {
      for (const bucket of await expectedBuckets(card, 'minute')) {
        const sum = mine.get(bucket.bucket) ?? { count: 0, total: 0n };
        mine.set(bucket.bucket, { count: sum.count + bucket.count, total: sum.total + cents(bucket.total) });
      }
    }
    for (const [bucket, { count, total }] of mine) {
      expect(all.get(bucket)?.count).toBeGreaterThanOrEqual(count);
      expect(cents(all.get(bucket)?.total ?? '0') >= total).toBe(true);
    }
  });

  it('ranks cards by total withdrawn, largest first, with exact totals', async () => {
    const response = await testApp.api().get('/analytics/top-cards').query({ limit: 100, from, to });

    expect(response.status).toBe(200);
    const ranking = response.body as CardTotal[];
    // Sorted by total, whatever other tests withdrew in the same window…
    const totals = ranking.map((entry) => cents(entry.total));
    expect(totals.every((total, index) => index === 0 || totals[index - 1] >= total)).toBe(true);
    // …and this test's cards in their order, with their exact totals and counts.
    const mine = ranking.filter((entry) => Object.values(cards).includes(entry.debitCardId));
    expect(mine).toEqual([
      { debitCardId: cards.large, count: 4, total: '3999999999.96' },
      { debitCardId: cards.medium, count: 3, total: '2000000000.03' },
      { debitCardId: cards.small, count: 3, total: '19.85' },
    ]);
  });

  it('answers at most `limit` cards', async () => {
    const response = await testApp.api().get('/analytics/top-cards').query({ limit: 2, from, to });

    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(2);
  });

  it('answers the defaults: the last 24 hours, hourly, every card; the top 10 of all time', async () => {
    const withdrawals = await testApp.api().get('/analytics/withdrawals');
    expect(withdrawals.status).toBe(200);
    const buckets = withdrawals.body as WithdrawalBucket[];
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.length).toBeLessThanOrEqual(25);
    for (const { bucket } of buckets) expect(bucket).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);

    const top = await testApp.api().get('/analytics/top-cards');
    expect(top.status).toBe(200);
    expect((top.body as CardTotal[]).length).toBeLessThanOrEqual(10);
  });

  it('answers an empty array for a card without withdrawals', async () => {
    const response = await testApp
      .api()
      .get('/analytics/withdrawals')
      .query({ debitCardId: 'no-such-card-ever' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
  });
});

describe('validation', () => {
  it.each<[string, string, string[]]>([
    ['an unknown parameter', '/analytics/withdrawals?card=1', ['card']],
    ['a granularity outside the whitelist', "/analytics/withdrawals?granularity=PT1M')--", ['granularity']],
    ['a malformed card id', '/analytics/withdrawals?debitCardId=%27%20OR%201%3D1', ['debitCardId']],
    ['a date without zone', '/analytics/withdrawals?from=2026-01-01T00:00:00', ['from']],
    ['from after to', '/analytics/withdrawals?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', ['from']],
    [
      'more than 7 days by the minute',
      '/analytics/withdrawals?granularity=minute&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:01Z',
      ['from'],
    ],
    ['limit 0', '/analytics/top-cards?limit=0', ['limit']],
    ['limit 101', '/analytics/top-cards?limit=101', ['limit']],
    ['a repeated limit', '/analytics/top-cards?limit=1&limit=2', ['limit']],
    ['an unknown top-cards parameter', '/analytics/top-cards?granularity=day', ['granularity']],
  ])('refuses %s with a 400 problem naming the parameter', async (_label, url, parameters) => {
    const response = await testApp.api().get(url);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.body as { type: string; errors: { parameter: string }[] };
    expect(body.type).toBe('/problems/validation-error');
    expect(body.errors.map((error) => error.parameter)).toEqual(parameters);
  });
});

describe('when Druid cannot answer', () => {
  let silentBroker: Server;
  let closedPort: number;

  beforeAll(async () => {
    // A "broker" that accepts connections and never answers, and a port nothing listens on.
    silentBroker = createServer(() => undefined);
    await new Promise<void>((resolve) => silentBroker.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  afterAll(async () => {
    silentBroker.closeAllConnections();
    await new Promise<void>((resolve) => silentBroker.close(() => resolve()));
  });

  async function expectUnavailable(app: TestApp, url: string): Promise<void> {
    const response = await app.api().get(url);
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({
      type: '/problems/analytics-unavailable',
      title: 'Analytics unavailable',
      status: 503,
      detail: 'The analytics store (Druid) is unavailable or did not answer in time. Retry later.',
    });
  }

  it('answers 503 with Retry-After when the broker is unreachable', async () => {
    const app = await startAppWithEnv({ DRUID_BROKER_URL: `http://127.0.0.1:${closedPort}` });
    try {
      await expectUnavailable(app, '/analytics/withdrawals');
      await expectUnavailable(app, '/analytics/top-cards');
    } finally {
      await app.close();
    }
  });

  it('answers 503 within the query timeout when the broker does not answer', async () => {
    const { port } = silentBroker.address() as AddressInfo;
    const app = await startAppWithEnv({
      DRUID_BROKER_URL: `http://127.0.0.1:${port}`,
      DRUID_QUERY_TIMEOUT_MS: '300',
    });
    try {
      const started = Date.now();
      await expectUnavailable(app, '/analytics/withdrawals?granularity=day');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await app.close();
    }
  });

  it('validates before asking Druid: a bad request is a 400 even while Druid is down', async () => {
    const app = await startAppWithEnv({ DRUID_BROKER_URL: `http://127.0.0.1:${closedPort}` });
    try {
      expect((await app.api().get('/analytics/top-cards?limit=1000')).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});
