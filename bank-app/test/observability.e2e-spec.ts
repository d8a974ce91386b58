// /metrics, /pipeline/trace, /pipeline/reconcile and /docs-json against the real stack: withdrawals
// made through the API move the projector's counters, can be followed hop by hop, and reconcile across
// the write model, the read model and Druid. Each test uses its own cards and polls (bounded).
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { OpenAPIObject } from '@nestjs/swagger';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb } from './support/db';
import { withdraw } from './support/exactly-once';
import { readCommitted, waitForConnectorRunning } from './support/pipeline';
import { waitFor } from './support/wait-for';

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

/** The value of an unlabelled sample in Prometheus text, or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function scrape(): Promise<string> {
  const response = await testApp.api().get('/metrics');
  expect(response.status).toBe(200);
  return response.text;
}

describe('GET /metrics', () => {
  it('is Prometheus text with process, HTTP and projector metrics', async () => {
    await testApp.api().get('/health').expect(200);
    const response = await testApp.api().get('/metrics');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'bankapp_projector_events_processed_total',
      'bankapp_projector_withdrawals_published_total',
      'bankapp_projector_duplicates_skipped_total',
      'bankapp_projector_dead_lettered_total',
      'bankapp_projector_commit_to_projected_seconds_bucket',
    ]) {
      expect(response.text).toContain(name);
    }
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(response.text).toMatch(
      /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/health"/,
    );
  });

  it('counts the withdrawals the projector publishes', async () => {
    const card = await createCard(testApp, '1000.00', 'metrics');
    const before = sample(await scrape(), 'bankapp_projector_withdrawals_published_total') ?? 0;
    const withdrawals = 3;
    for (let index = 0; index < withdrawals; index += 1) await withdraw(testApp, card, '1.00');

    const after = await waitFor(
      async () => {
        const text = await scrape();
        const published = sample(text, 'bankapp_projector_withdrawals_published_total') ?? 0;
        return published - before >= withdrawals ? text : undefined;
      },
      { description: `withdrawals_published_total to grow by ${withdrawals}`, timeoutMs: 60_000 },
    );
    expect(sample(after, 'bankapp_projector_commit_to_projected_seconds_count')).toBeGreaterThanOrEqual(
      withdrawals,
    );
  });
});

describe('GET /pipeline/trace', () => {
  interface Hop {
    hop: string;
    status: string;
    at: string | null;
    detail: Record<string, unknown>;
  }
  interface TraceBody {
    withdrawals: { withdrawalId: string; amount: string | null; hops: Hop[] }[];
  }

  it('follows one withdrawal from the commit to Druid', async () => {
    const card = await createCard(testApp, '100.00', 'trace');
    const requestId = `trace-${Date.now()}`;
    const receipt = await withdraw(testApp, card, '7.25', requestId);

    const trace = await waitFor(
      async () => {
        const response = await testApp.api().get('/pipeline/trace').query({ requestId });
        const body = response.body as TraceBody;
        const hops = body.withdrawals[0]?.hops ?? [];
        return hops.length > 0 && hops.every((hop) => hop.status === 'done') ? body : undefined;
      },
      { description: 'every hop of the traced withdrawal to be done', timeoutMs: 120_000, intervalMs: 500 },
    );

    const [traced] = trace.withdrawals;
    expect(traced).toMatchObject({ withdrawalId: receipt.withdrawalId, amount: '7.25' });
    expect(traced.hops.map((hop) => hop.hop)).toEqual([
      'commit',
      'debit_card',
      'read_model',
      'ministatement',
      'druid',
    ]);
    const [[line]] = await db.query<RowDataPacket[]>(
      'SELECT source_partition, CAST(source_offset AS CHAR) AS source_offset, transaction_date FROM money_withdrawal WHERE id = ?',
      [receipt.withdrawalId],
    );
    const hop = (name: string): Hop => traced.hops.find((entry) => entry.hop === name) as Hop;
    expect(hop('debit_card').detail).toMatchObject({
      topic: 'debit_card',
      partition: line.source_partition as number,
      offset: line.source_offset as string,
    });
    expect(hop('commit').at).toBe((line.transaction_date as Date).toISOString());
    // Kafka timestamps are whole milliseconds: the change event's may read up to 1 ms before the commit.
    const times = ['commit', 'debit_card', 'read_model', 'ministatement'].map((name) =>
      Date.parse(hop(name).at ?? ''),
    );
    times[1] += 1;
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The ministatement hop names the very record that carries this withdrawal.
    const { partition, offset } = hop('ministatement').detail as { partition: number; offset: string };
    const [record] = await readCommitted('ministatement', {
      from: new Map([[partition, BigInt(offset)]]),
      where: (entry) => entry.partition === partition && entry.offset === offset,
    });
    expect(JSON.parse(record?.value ?? 'null')).toMatchObject({ id: receipt.withdrawalId, requestId });
  });

  it.each([
    ['no parameter', {}],
    ['a request id with a space', { requestId: 'a b' }],
    ['both ids', { requestId: 'a', withdrawalId: '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c' }],
    ['an unknown parameter', { requestId: 'a', sql: '1' }],
  ])('answers 400 problem+json for %s', async (_label, query) => {
    const response = await testApp.api().get('/pipeline/trace').query(query);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('finds nothing for an unknown request id', async () => {
    const response = await testApp
      .api()
      .get('/pipeline/trace')
      .query({ requestId: `nobody-${Date.now()}` });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ withdrawals: [] });
  });
});

describe('GET /pipeline/reconcile', () => {
  interface CardReport {
    debitCardId: string;
    usedLimit: string;
    baseline: string;
    readModel: { count: number; sum: string };
    druid: { count: number; sum: string } | null;
    consistent: boolean;
  }

  it('is consistent for cards once their withdrawals have reached Druid', async () => {
    const cards = await Promise.all([
      createCard(testApp, '500.00', 'recon'),
      createCard(testApp, '500.00', 'recon'),
    ]);
    await withdraw(testApp, cards[0], '10.50');
    await withdraw(testApp, cards[0], '0.25');
    await withdraw(testApp, cards[1], '99.99');

    for (const [card, count, sum] of [
      [cards[0], 2, '10.75'],
      [cards[1], 1, '99.99'],
    ] as const) {
      const report = await waitFor(
        async () => {
          const response = await testApp.api().get('/pipeline/reconcile').query({ debitCardId: card });
          const entry = (response.body as { cards: CardReport[] }).cards[0];
          return entry?.consistent ? entry : undefined;
        },
        { description: `card ${card} to reconcile`, timeoutMs: 120_000, intervalMs: 500 },
      );
      expect(report).toEqual({
        debitCardId: card,
        usedLimit: sum,
        baseline: '0.00',
        readModel: { count, sum },
        druid: { count, sum },
        consistent: true,
        mismatches: [],
      });
    }
  });

  it('is inconsistent when the card was charged outside the command side', async () => {
    // A hand-written UPDATE that moves used_limit but not the version never becomes a statement line
    // (the projector dead-letters its event), so the card stays inconsistent: no race with the
    // pipeline, unlike a check made right after a real withdrawal (the pipeline can beat the request).
    const card = await createCard(testApp, '50.00', 'recon');
    await db.query('UPDATE debit_card SET used_limit = used_limit + 5.00 WHERE id = ?', [card]);
    const response = await testApp.api().get('/pipeline/reconcile').query({ debitCardId: card });

    expect(response.status).toBe(200);
    expect((response.body as { cards: CardReport[] }).cards[0]).toMatchObject({
      usedLimit: '5.00',
      readModel: { count: 0, sum: '0.00' },
      consistent: false,
      mismatches: expect.arrayContaining(['used_limit differs from baseline + read-model sum']) as unknown,
    });
  });

  it('answers 400 problem+json for a bad card id or limit', async () => {
    for (const query of [{ debitCardId: 'no spaces' }, { limit: '0' }, { limit: '201' }]) {
      const response = await testApp.api().get('/pipeline/reconcile').query(query);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('GET /docs-json', () => {
  it('documents every route, with a summary and a 4xx each', async () => {
    const response = await testApp.api().get('/docs-json');
    expect(response.status).toBe(200);
    const document = response.body as OpenAPIObject;

    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /moneywithdrawals',
        'GET /moneywithdrawals',
        'POST /debitcards',
        'GET /debitcards/{id}',
        'GET /analytics/withdrawals',
        'GET /analytics/top-cards',
        'GET /health',
        'GET /health/ready',
        'GET /metrics',
        'GET /pipeline/status',
        'GET /pipeline/trace',
        'GET /pipeline/reconcile',
      ].sort(),
    );
    // Every operation has a summary and a 4xx (src/common/openapi.spec.ts checks the rest, and every
    // response the e2e specs receive is checked against this document: support/contract.ts).
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(
        item as Record<string, { summary?: string; responses: object }>,
      )) {
        expect(operation.summary).toBeTruthy();
        expect(Object.keys(operation.responses).some((status) => status.startsWith('4'))).toBe(true);
      }
    }
    expect(document.paths['/moneywithdrawals'].post?.requestBody).toBeDefined();
    await testApp
      .api()
      .get('/docs')
      .expect(200)
      .expect('content-type', /text\/html/);
  });
});

interface HopLagView {
  lastMs: number | null;
  maxMs: number | null;
  samples: number;
  note?: string;
}

it('gives the lag in milliseconds per hop in /pipeline/status, measured on withdrawals just made', async () => {
  const card = await createCard(testApp, '1000.00', 'lag');
  const receipts = [];
  for (const amount of ['1.00', '2.00', '3.00']) receipts.push(await withdraw(testApp, card, amount));

  // Polls until this instance's projector has published them and Druid has them all (lag 0).
  const status = await waitFor(
    async () => {
      const response = await testApp.api().get('/pipeline/status');
      const lag = (response.body as { lagMs: Record<string, HopLagView> }).lagMs;
      return lag.readModel.samples >= receipts.length && lag.druid.lastMs === 0 ? lag : undefined;
    },
    {
      description: 'the read-model, ministatement and Druid hops to be measured and Druid caught up',
      timeoutMs: 60_000,
    },
  );
  for (const hop of [status.debitCardTopic, status.readModel, status.ministatement]) {
    expect(hop.lastMs).toEqual(expect.any(Number));
    expect(hop.lastMs as number).toBeGreaterThanOrEqual(0);
    expect(hop.maxMs as number).toBeGreaterThanOrEqual(hop.lastMs as number);
  }
  // Publishing comes after the database commit of the same batch.
  expect(status.ministatement.lastMs as number).toBeGreaterThanOrEqual(status.readModel.lastMs as number);
  // The change event reaches Kafka before the projector writes its line (same newest withdrawal).
  expect(status.debitCardTopic.lastMs as number).toBeLessThanOrEqual(status.readModel.lastMs as number);

  const hops = (await testApp.api().get('/pipeline/status')).body as {
    hops: { name: string; lagMs: object }[];
  };
  expect(hops.hops.map((hop) => [hop.name, Object.keys(hop.lagMs)])).toEqual([
    ['connector', ['commitToDebitCardTopic']],
    ['projector', ['commitToReadModel', 'commitToMinistatement']],
    ['druid', ['publishedToDruid']],
  ]);
});
