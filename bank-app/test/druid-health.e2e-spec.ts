// GET /health/ready and GET /pipeline/status against the real stack: every check up and the Druid
// supervisor's state, lag and row counters visible; and a 503 problem that names the failing checks
// when a part (here: Kafka Connect and Druid's overlord, simulated by unreachable addresses) is down.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type TestApp } from './support/app';
import { startAppWithEnv, taskRowCounters } from './support/druid';
import { anyString } from './support/matchers';
import { waitFor } from './support/wait-for';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startApp();
});

afterAll(async () => {
  await testApp?.close();
});

interface Check {
  status: 'up' | 'down';
  durationMs: number;
  state?: string;
  error?: string;
  [detail: string]: unknown;
}

const CHECKS = ['database', 'kafka', 'connector', 'supervisor', 'projector'];

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('is ready when every part of the pipeline is, and lists each check', async () => {
  // The projector joins its group asynchronously after start-up; other tests may restart parts of
  // the stack: wait (bounded) for a 200 rather than expecting one at once.
  const body = await waitFor(
    async () => {
      const response = await testApp.api().get('/health/ready');
      return response.status === 200
        ? (response.body as { status: string; checks: Record<string, Check> })
        : undefined;
    },
    { description: 'GET /health/ready to answer 200', timeoutMs: 90_000, intervalMs: 500 },
  );

  expect(body.status).toBe('ready');
  expect(Object.keys(body.checks).sort()).toEqual([...CHECKS].sort());
  for (const name of CHECKS) expect(body.checks[name]).toMatchObject({ status: 'up' });
  expect(body.checks.connector.state).toBe('RUNNING');
  expect(body.checks.supervisor).toMatchObject({ state: 'RUNNING' });
  expect(body.checks.projector).toMatchObject({ state: 'running', lag: expect.any(Number) as unknown });
  expect(body.checks.kafka.brokers).toBeGreaterThanOrEqual(1);
});

it('answers 503 problem+json naming the parts that are down, and still lists every check', async () => {
  const [connectPort, overlordPort] = [await unusedPort(), await unusedPort()];
  const app = await startAppWithEnv({
    CONNECT_URL: `http://127.0.0.1:${connectPort}`,
    DRUID_OVERLORD_URL: `http://127.0.0.1:${overlordPort}`,
    HEALTH_CHECK_TIMEOUT_MS: '1000',
  });
  try {
    const started = Date.now();
    const response = await app.api().get('/health/ready');

    expect(Date.now() - started).toBeLessThan(5000); // every check is bounded
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe('2');
    const body = response.body as { checks: Record<string, Check> };
    expect(body).toMatchObject({
      type: '/problems/not-ready',
      title: 'Not ready',
      status: 503,
      detail: 'Not ready: connector, supervisor are down.',
    });
    expect(body.checks.connector).toMatchObject({ status: 'down', error: anyString() });
    expect(body.checks.supervisor).toMatchObject({ status: 'down', error: anyString() });
    expect(body.checks.database.status).toBe('up');
    expect(body.checks.kafka.status).toBe('up');
    // This instance runs without a projector (API only): that is no reason to be unready.
    expect(body.checks.projector).toMatchObject({ status: 'up', state: 'disabled' });
    expect(JSON.stringify(body)).not.toMatch(/\bat \w+ \(|Error:/); // no stack traces
  } finally {
    await app.close();
  }
});

interface Hop extends Check {
  name: string;
  from: string;
  to: string;
}

it('shows every hop with its state, and Druid’s supervisor state, lag and row counters', async () => {
  const status = await waitFor(
    async () => {
      const response = await testApp.api().get('/pipeline/status');
      const body = response.body as { status: string; hops: Hop[]; components: Record<string, Check> };
      return response.status === 200 && body.status === 'up' ? body : undefined;
    },
    { description: 'GET /pipeline/status to report every hop up', timeoutMs: 90_000, intervalMs: 500 },
  );

  expect(status.components.database.status).toBe('up');
  expect(status.components.kafka.status).toBe('up');
  expect(status.hops.map((hop) => hop.name)).toEqual(['connector', 'projector', 'druid']);
  const [connector, projector, druid] = status.hops;
  expect(connector).toMatchObject({ status: 'up', state: 'RUNNING', connector: 'debit-card-source' });
  expect(projector).toMatchObject({
    status: 'up',
    state: 'running',
    consumerGroup: anyString(),
    lag: { events: expect.any(Number) as unknown, partitions: expect.any(Array) as unknown },
    counters: { eventsProcessed: expect.any(Number) as unknown },
  });
  expect(druid).toMatchObject({
    status: 'up',
    state: 'RUNNING',
    supervisor: 'bankapp',
    healthy: true,
    lag: { aggregate: expect.any(Number) as unknown, partitions: expect.any(Object) as unknown },
    ingestion: {
      processed: expect.any(Number) as unknown,
      unparseable: expect.any(Number) as unknown,
      thrownAway: expect.any(Number) as unknown,
      tasks: expect.any(Array) as unknown,
    },
  });

  // The counters are the supervisor's own, summed over its current tasks.
  const ingestion = druid.ingestion as { tasks: { taskId: string }[] };
  const direct = await taskRowCounters();
  expect(ingestion.tasks.map((task) => task.taskId).sort()).toEqual([...direct.keys()].sort());
});

it('reports a hop that cannot be reached as down, with a reason, without failing the whole view', async () => {
  const app = await startAppWithEnv({ DRUID_OVERLORD_URL: `http://127.0.0.1:${await unusedPort()}` });
  try {
    const response = await app.api().get('/pipeline/status');

    expect(response.status).toBe(200);
    const body = response.body as { status: string; hops: Hop[] };
    expect(body.status).toBe('down');
    expect(body.hops.find((hop) => hop.name === 'druid')).toMatchObject({
      status: 'down',
      error: expect.stringContaining('ECONNREFUSED') as unknown,
    });
    expect(body.hops.find((hop) => hop.name === 'projector')).toMatchObject({ state: 'disabled' });
  } finally {
    await app.close();
  }
});
