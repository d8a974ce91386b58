// GET /pipeline/status reflects the real state of each hop: stopping Kafka Connect turns the connector
// hop (and the overall status) down, and starting it again turns them back up. The connector is
// restarted in a finally, whatever happens.
import { startApp, type TestApp } from './support/app';
import { waitForConnectorRunning } from './support/pipeline';
import { startComponent, stopComponent } from './support/stack';
import { waitFor } from './support/wait-for';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startApp();
  await waitForConnectorRunning();
});

afterAll(async () => {
  await testApp?.close();
});

interface Status {
  status: 'up' | 'down';
  hops: { name: string; status: 'up' | 'down'; error?: string }[];
}

async function connectorHop(): Promise<{ overall: string; connector: Status['hops'][number] }> {
  const response = await testApp.api().get('/pipeline/status');
  expect(response.status).toBe(200);
  const body = response.body as Status;
  const connector = body.hops.find((hop) => hop.name === 'connector');
  if (connector === undefined) throw new Error('no connector hop');
  return { overall: body.status, connector };
}

it('turns the connector hop down while Kafka Connect is stopped, and up again after', async () => {
  await waitFor(async () => ((await connectorHop()).connector.status === 'up' ? true : undefined), {
    description: 'the connector hop to be up before the fault',
    timeoutMs: 60_000,
  });

  try {
    await stopComponent('connect');
    const down = await waitFor(
      async () => {
        const seen = await connectorHop();
        return seen.connector.status === 'down' ? seen : undefined;
      },
      { description: 'the connector hop to turn down', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(down.overall).toBe('down');
    expect(down.connector.error).toMatch(/connector debit-card-source/);
  } finally {
    await startComponent('connect');
  }

  await waitForConnectorRunning(120_000);
  await waitFor(async () => ((await connectorHop()).connector.status === 'up' ? true : undefined), {
    description: 'the connector hop to turn up again',
    timeoutMs: 120_000,
    intervalMs: 500,
  });
});
