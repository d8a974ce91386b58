// The original sample's two registration commands, run with curl exactly as its README gives them, from
// the repository's root, against this stack: the connector file answers 201 where no connector exists
// and Connect's 409 where one does (changing nothing); the supervisor file leaves Druid ingesting every
// withdrawal exactly once, whether or not a supervisor existed. A worker whose environment holds a
// wrong database password refuses the same file with Connect's own error instead of running it.
import axios from 'axios';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectWorkerCommand } from '../../stack/src/components';
import { localConnectEnvironment } from '../../stack/src/connector';
import { paths } from '../../stack/src/settings';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import {
  druidTotals,
  overlordUrl,
  waitForIngestionCaughtUp,
  waitForSupervisorRunning,
} from './support/druid';
import { withdraw, type Receipt } from './support/exactly-once';
import { CONNECTOR, connectUrl, kafka, waitForConnectorRunning } from './support/pipeline';
import { waitFor } from './support/wait-for';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

// Byte for byte the original README's commands (the first with its --verbose).
const CONNECTOR_CURL =
  'curl -i -X POST -H "Accept:application/json" -H "Content-Type:application/json" http://localhost:8083/connectors/ -d @mysqlsource.json --verbose';
const SUPERVISOR_CURL =
  "curl -XPOST -H'Content-Type: application/json' -d @bank-app-mini-statement-supervisor.json http://localhost:8081/druid/indexer/v1/supervisor";

/** The command as given, pointed at another port only when the stack's port was moved (CONNECT_PORT…). */
function onPort(command: string, defaultPort: number, url: string): string {
  const port = new URL(url).port;
  return port === String(defaultPort)
    ? command
    : command.replace(`localhost:${defaultPort}/`, `localhost:${port}/`);
}

async function curl(command: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run('bash', ['-c', command], { cwd: repoRoot, timeout: 60_000 });
  // -i prints the status line and the headers before the body; without it, stdout is the body alone.
  const statusLine = /^HTTP\/[\d.]+ (\d{3})/.exec(stdout);
  const body = stdout.includes('\r\n\r\n') ? stdout.slice(stdout.indexOf('\r\n\r\n') + 4) : stdout;
  return { status: statusLine ? Number(statusLine[1]) : 0, body };
}

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startApp();
  await waitForConnectorRunning();
  await waitForSupervisorRunning();
});

afterAll(async () => {
  await testApp?.close();
});

async function connectorConfig(): Promise<Record<string, string>> {
  const { data } = await axios.get<Record<string, string>>(`${connectUrl}/connectors/${CONNECTOR}/config`);
  return data;
}

/** A withdrawal on a new card, then the wait until the read model shows it. */
async function withdrawAndSeeInReadModel(prefix: string): Promise<Receipt> {
  const card = await createCard(testApp, '100.00', prefix);
  const receipt = await withdraw(testApp, card, '1.25');
  const response = await testApp
    .api()
    .get('/moneywithdrawals')
    .query({ debitCardId: card, minVersion: receipt.version });
  expect(response.status).toBe(200);
  expect(response.body).toEqual([expect.objectContaining({ id: receipt.withdrawalId, amount: '1.25' })]);
  return receipt;
}

async function expectOnceInDruid(receipts: Receipt[]): Promise<void> {
  const cards = receipts.map((receipt) => receipt.debitCardId);
  await waitFor(
    async () => {
      const found = await druidTotals(cards);
      return cards.every((card) => (found.get(card)?.count ?? 0) >= 1) ? true : undefined;
    },
    { description: `the withdrawals of ${cards.join(', ')} in Druid`, timeoutMs: 240_000, intervalMs: 1000 },
  );
  // Once Druid has read everything committed so far, a duplicate would show too.
  await waitForIngestionCaughtUp();
  const settled = await druidTotals(cards);
  for (const card of cards) {
    expect({ card, ...settled.get(card) }).toEqual({ card, count: 1, distinctIds: 1, sumMinor: '125' });
  }
}

describe('mysqlsource.json posted with the original curl', () => {
  it("answers Connect's 409 where the connector exists, and changes nothing", async () => {
    const before = await connectorConfig();
    const { status, body } = await curl(onPort(CONNECTOR_CURL, 8083, connectUrl));
    expect({ status, body: JSON.parse(body) as unknown }).toEqual({
      status: 409,
      body: { error_code: 409, message: `Connector ${CONNECTOR} already exists` },
    });
    expect(await connectorConfig()).toEqual(before);
    await waitForConnectorRunning();
  });

  it('registers it (201) where it does not exist, and the pipeline runs from where it stopped', async () => {
    await axios.delete(`${connectUrl}/connectors/${CONNECTOR}`);
    await waitFor(
      async () => {
        const { data } = await axios.get<string[]>(`${connectUrl}/connectors`);
        return data.includes(CONNECTOR) ? undefined : true;
      },
      { description: `connector ${CONNECTOR} to be deleted` },
    );

    const { status, body } = await curl(onPort(CONNECTOR_CURL, 8083, connectUrl));
    expect(status).toBe(201);
    expect(JSON.parse(body)).toEqual(expect.objectContaining({ name: CONNECTOR }));
    await waitForConnectorRunning();
    // Resolved by the worker from its environment, the file's placeholders stay as written in the config.
    expect((await connectorConfig())['database.password']).toBe('${env:DEBEZIUM_DB_PASSWORD}');

    await expectOnceInDruid([await withdrawAndSeeInReadModel('reg-connector')]);
  });
});

describe('bank-app-mini-statement-supervisor.json posted with the original curl', () => {
  it('replaces a running supervisor, and Druid keeps ingesting every withdrawal once', async () => {
    const { body } = await curl(onPort(SUPERVISOR_CURL, 8081, overlordUrl));
    // (This command has no -i: Druid's answer is the body alone, the supervisor's id on success.)
    expect(JSON.parse(body)).toEqual({ id: 'bankapp' });
    await waitForSupervisorRunning();
    await expectOnceInDruid([await withdrawAndSeeInReadModel('reg-supervisor')]);
  });

  it('creates it where none exists, and Druid resumes with what was written meanwhile', async () => {
    await axios.post(`${overlordUrl}/druid/indexer/v1/supervisor/bankapp/terminate`);
    await waitFor(
      async () => {
        const { data } = await axios.get<string[]>(`${overlordUrl}/druid/indexer/v1/supervisor`);
        return data.includes('bankapp') ? undefined : true;
      },
      { description: 'the supervisor bankapp to be terminated' },
    );
    const meanwhile = await withdrawAndSeeInReadModel('reg-no-supervisor');

    const { body } = await curl(onPort(SUPERVISOR_CURL, 8081, overlordUrl));
    expect(JSON.parse(body)).toEqual({ id: 'bankapp' });
    await waitForSupervisorRunning();
    await expectOnceInDruid([meanwhile, await withdrawAndSeeInReadModel('reg-new-supervisor')]);
  });
});

describe('a Connect worker whose environment holds a wrong database password', () => {
  const runId = randomUUID().slice(0, 8);
  const groupId = `registration-test-${runId}`;
  const topics = ['configs', 'offsets', 'status'].map((kind) => `${groupId}-${kind}`);
  let worker: ChildProcess | undefined;
  let workerUrl = '';
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrong-secret-'));

  beforeAll(async () => {
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}`;
    // The stack's own worker configuration, as a separate worker: its own port, group and topics.
    const properties = path.join(configDir, 'worker.properties');
    const overrides = [
      `group.id=${groupId}`,
      `listeners=${workerUrl}`,
      `rest.advertised.port=${port}`,
      `config.storage.topic=${topics[0]}`,
      `offset.storage.topic=${topics[1]}`,
      `status.storage.topic=${topics[2]}`,
    ];
    const base = fs.readFileSync(path.join(paths.conf, 'connect', 'worker.properties'), 'utf8');
    fs.writeFileSync(properties, `${base}\n${overrides.join('\n')}\n`);
    const { command, args, env } = connectWorkerCommand(properties, {
      ...localConnectEnvironment(),
      DEBEZIUM_DB_PASSWORD: 'not-the-password',
    });
    worker = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    await waitFor(
      async () => {
        await axios.get(`${workerUrl}/connector-plugins`, { timeout: 2000 });
        return true;
      },
      { description: `a second Connect worker at ${workerUrl}`, timeoutMs: 150_000, intervalMs: 1000 },
    );
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker?.once('exit', resolve));
      worker.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(configDir, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      await admin.deleteTopics({ topics: topics.filter((topic) => existing.has(topic)) });
    } finally {
      await admin.disconnect();
    }
  });

  it("refuses the file with Connect's error naming the login failure, and runs nothing", async () => {
    const { status, body } = await curl(onPort(CONNECTOR_CURL, 8083, workerUrl));
    expect(status).toBe(400);
    const { message } = JSON.parse(body) as { message: string };
    expect(message).toContain('Connector configuration is invalid');
    expect(message).toMatch(/Access denied for user 'debezium'/);
    const { data: connectors } = await axios.get<string[]>(`${workerUrl}/connectors`);
    expect(connectors).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
