// Observes and drives the real Druid from the tests: Druid SQL on the broker, the Kafka supervisor on
// the overlord (state, spec, task row counters, parse errors), the per-card comparison with the read
// model, stopping and starting Druid's processes through the stack launcher, and the clean rebuild of
// the datasource that docs/druid.md describes.
import axios from 'axios';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { loadAppConfig } from '../../src/config/app-config';
import { startApp, type TestApp } from './app';
import { cents, withdraw, type Receipt } from './exactly-once';
import { readCommitted } from './pipeline';
import { waitFor } from './wait-for';

const config = loadAppConfig();
export const DATASOURCE = 'bankapp';
export const brokerUrl = config.druid.brokerUrl;
/** On the local stack (and in compose) the coordinator runs the overlord too. */
export const overlordUrl = config.druid.overlordUrl;
const supervisorUrl = `${overlordUrl}/druid/indexer/v1/supervisor/${DATASOURCE}`;

/** Druid's processes, in the order the launcher starts them. */
export const DRUID_COMPONENTS = [
  'druid-coordinator',
  'druid-broker',
  'druid-historical',
  'druid-indexer',
  'druid-router',
];

export type SqlParameter =
  | { type: 'VARCHAR'; value: string }
  | { type: 'TIMESTAMP'; value: number }
  | { type: 'INTEGER'; value: number };

/** Runs Druid SQL on the broker; a datasource without segments gives no rows (Druid says "not found"). */
export async function druidSql<Row>(
  query: string,
  parameters: SqlParameter[] = [],
  context: Record<string, unknown> = {},
): Promise<Row[]> {
  const response = await axios.post<Row[] | { errorMessage?: string }>(
    `${brokerUrl}/druid/v2/sql`,
    { query, parameters, context: { sqlTimeZone: 'Etc/UTC', ...context } },
    { timeout: 15_000, validateStatus: () => true },
  );
  if (response.status === 200 && Array.isArray(response.data)) return response.data;
  const message = (response.data as { errorMessage?: string }).errorMessage ?? JSON.stringify(response.data);
  if (message.startsWith(`Object '${DATASOURCE}' not found`)) return [];
  throw new Error(`Druid SQL answered ${response.status}: ${message}`);
}

export interface CardTotals {
  count: number;
  /** Sum of the amounts in cents, as digits (exact). */
  sumMinor: string;
}

export interface DruidCardTotals extends CardTotals {
  /** Exact COUNT(DISTINCT id): equal to count when no withdrawal is in Druid twice. */
  distinctIds: number;
}

const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/** Count, distinct withdrawal ids and exact sum per card, as Druid has them. */
export async function druidTotals(cards: string[]): Promise<Map<string, DruidCardTotals>> {
  const rows = await druidSql<{ debitCardId: string; count: number; distinctIds: number; sumMinor: string }>(
    `SELECT "debitCardId", COUNT(*) AS "count", COUNT(DISTINCT "id") AS "distinctIds", ` +
      `CAST(SUM("amountMinor") AS VARCHAR) AS "sumMinor" FROM "${DATASOURCE}" ` +
      `WHERE "debitCardId" IN (${placeholders(cards)}) GROUP BY 1`,
    cards.map((card) => ({ type: 'VARCHAR', value: card })),
    { useApproximateCountDistinct: false },
  );
  return new Map(rows.map(({ debitCardId, ...totals }) => [debitCardId, totals]));
}

interface ReadModelRow extends RowDataPacket {
  debit_card_id: string;
  count: number;
  total: string;
}

/** Count and exact sum per card in the read model (money_withdrawal). */
export async function readModelTotals(db: Pool, cards: string[]): Promise<Map<string, CardTotals>> {
  const [rows] = await db.query<ReadModelRow[]>(
    `SELECT debit_card_id, COUNT(*) AS count, CAST(SUM(amount) AS CHAR) AS total
       FROM money_withdrawal WHERE debit_card_id IN (?) GROUP BY debit_card_id`,
    [cards],
  );
  return new Map(
    rows.map((row) => [
      row.debit_card_id,
      { count: Number(row.count), sumMinor: cents(row.total).toString() },
    ]),
  );
}

export interface Comparison {
  card: string;
  expectedCount?: number;
  readModel: CardTotals;
  druid: DruidCardTotals;
}

/** Per card: read model and Druid side by side (zeros where a side has nothing). */
export async function compareWithReadModel(
  db: Pool,
  cards: string[],
  expectedCounts: Map<string, number> = new Map(),
): Promise<Comparison[]> {
  const [readModel, druid] = await Promise.all([readModelTotals(db, cards), druidTotals(cards)]);
  return cards.map((card) => ({
    card,
    ...(expectedCounts.has(card) ? { expectedCount: expectedCounts.get(card) } : {}),
    readModel: readModel.get(card) ?? { count: 0, sumMinor: '0' },
    druid: druid.get(card) ?? { count: 0, distinctIds: 0, sumMinor: '0' },
  }));
}

function agrees({ expectedCount, readModel, druid }: Comparison): boolean {
  return (
    (expectedCount === undefined || readModel.count === expectedCount) &&
    druid.count === readModel.count &&
    druid.distinctIds === druid.count &&
    druid.sumMinor === readModel.sumMinor
  );
}

/**
 * Waits until, for every card, Druid's count and exact sum equal the read model's, with no
 * duplicate withdrawal id in Druid, and (when given) the read model holds the expected number of
 * withdrawals. Ingestion and the broker's view take a few seconds; the timeout bounds it.
 */
export async function waitForDruidToMatchReadModel(
  db: Pool,
  cards: string[],
  options: { expectedCounts?: Map<string, number>; timeoutMs?: number } = {},
): Promise<Comparison[]> {
  return waitFor(
    async () => {
      const comparison = await compareWithReadModel(db, cards, options.expectedCounts);
      const differing = comparison.filter((entry) => !agrees(entry));
      if (differing.length === 0) return comparison;
      throw new Error(`not yet equal: ${JSON.stringify(differing)}`);
    },
    {
      description: `Druid to agree with the read model for ${cards.length} card(s)`,
      timeoutMs: options.timeoutMs ?? 90_000,
      intervalMs: 500,
    },
  );
}

/** How many withdrawals each card got, from the API's receipts. */
export function countsByCard(receipts: { debitCardId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { debitCardId } of receipts) counts.set(debitCardId, (counts.get(debitCardId) ?? 0) + 1);
  return counts;
}

export interface SupervisorStatusPayload {
  state: string;
  detailedState: string;
  healthy: boolean;
  suspended: boolean;
  aggregateLag?: number;
  activeTasks?: { id: string }[];
  publishingTasks?: { id: string }[];
}

export async function supervisorStatus(): Promise<SupervisorStatusPayload> {
  const { data } = await axios.get<{ payload: SupervisorStatusPayload }>(`${supervisorUrl}/status`, {
    timeout: 10_000,
  });
  return data.payload;
}

/** The supervisor spec as Druid stores it (with every default filled in). */
export async function supervisorSpec(): Promise<unknown> {
  const { data } = await axios.get<unknown>(supervisorUrl, { timeout: 10_000 });
  return data;
}

export async function waitForSupervisorState(state: string, timeoutMs = 180_000): Promise<void> {
  let last = 'unknown';
  await waitFor(
    async () => {
      const status = await supervisorStatus();
      last = `${status.state}/${status.detailedState}`;
      return status.state === state ? true : undefined;
    },
    { description: `Druid supervisor ${DATASOURCE} to be ${state}`, timeoutMs, intervalMs: 1000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last state ${last}`);
  });
}

export const waitForSupervisorRunning = (timeoutMs?: number) => waitForSupervisorState('RUNNING', timeoutMs);

export interface RowCounters {
  processed: number;
  processedWithError: number;
  unparseable: number;
  thrownAway: number;
}

/** Row counters of the supervisor's current tasks, by task id (a task's counters start at 0). */
export async function taskRowCounters(): Promise<Map<string, RowCounters>> {
  const { data } = await axios.get<
    Record<string, Record<string, { totals?: { buildSegments?: Partial<RowCounters> } }>>
  >(`${supervisorUrl}/stats`, { timeout: 10_000 });
  const counters = new Map<string, RowCounters>();
  for (const group of Object.values(data)) {
    for (const [taskId, stats] of Object.entries(group)) {
      const totals = stats.totals?.buildSegments ?? {};
      counters.set(taskId, {
        processed: totals.processed ?? 0,
        processedWithError: totals.processedWithError ?? 0,
        unparseable: totals.unparseable ?? 0,
        thrownAway: totals.thrownAway ?? 0,
      });
    }
  }
  return counters;
}

interface RunningTask {
  id: string;
  type: string;
  location?: { host: string; port: number };
}

/** The next Kafka offset per partition that the supervisor's reading tasks will process (fresh). */
async function readingOffsets(): Promise<Map<number, bigint>> {
  const { data: tasks } = await axios.get<RunningTask[]>(`${overlordUrl}/druid/indexer/v1/tasks`, {
    params: { state: 'running', datasource: DATASOURCE },
    timeout: 10_000,
  });
  const offsets = new Map<number, bigint>();
  for (const task of tasks.filter((entry) => entry.type === 'index_kafka' && entry.location?.port)) {
    // The task's own chat endpoint: the supervisor's status refreshes only every 30 s.
    const { host, port } = task.location as { host: string; port: number };
    const { data } = await axios.get<Record<string, number>>(
      `http://${host}:${port}/druid/worker/v1/chat/${task.id}/offsets/current`,
      { timeout: 10_000 },
    );
    for (const [partition, offset] of Object.entries(data)) {
      const current = offsets.get(Number(partition)) ?? -1n;
      if (BigInt(offset) > current) offsets.set(Number(partition), BigInt(offset));
    }
  }
  return offsets;
}

/** How far back from a partition's end to look for its last committed record. */
const TAIL_WINDOW = 1000;

/**
 * The offset of the last record a read_committed consumer sees in each partition of `topic`, as of
 * now. The end of a transactional topic is often not a record: a commit marker, or an aborted
 * transaction's records and abort marker, which Druid never processes. Reads only the tail.
 */
export async function lastCommittedRecordOffsets(topic: string): Promise<Map<number, bigint>> {
  const last = new Map<number, bigint>();
  for (const record of await readCommitted(topic, { tail: TAIL_WINDOW })) {
    const offset = BigInt(record.offset);
    if (offset > (last.get(record.partition) ?? -1n)) last.set(record.partition, offset);
  }
  return last;
}

/**
 * Waits until Druid's reading task has processed every committed record `ministatement` held when
 * this was called. Druid's row counters only mean something for new traffic once the task has caught
 * up: right after a rebuild, for instance, it is still re-reading old records (old malformed ones too).
 */
export async function waitForIngestionCaughtUp(timeoutMs = 180_000): Promise<void> {
  const lastRecords = await lastCommittedRecordOffsets('ministatement');
  let behind = 'unknown';
  await waitFor(
    async () => {
      const current = await readingOffsets();
      const lagging = [...lastRecords].filter(([partition, last]) => (current.get(partition) ?? -1n) <= last);
      behind = lagging
        .map(
          ([partition, last]) =>
            `partition ${partition}: next ${current.get(partition)}, last record ${last}`,
        )
        .join('; ');
      return lagging.length === 0 ? true : undefined;
    },
    {
      description: 'Druid to read ministatement up to its last committed record',
      timeoutMs,
      intervalMs: 1000,
    },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; behind on ${behind}`);
  });
}

/** The recent parse errors the supervisor's tasks saved (the raw input is part of each). */
export async function parseErrors(): Promise<unknown[]> {
  const { data } = await axios.get<unknown[]>(`${supervisorUrl}/parseErrors`, { timeout: 10_000 });
  return data;
}

// The stack launcher's CLI, as test/support/stack.ts uses it, with room for Druid's slow start.
const repoRoot = resolve(__dirname, '..', '..', '..');
const tsx = resolve(repoRoot, 'node_modules', '.bin', 'tsx');

async function stackCli(args: string[], timeoutMs: number): Promise<void> {
  try {
    await promisify(execFile)(tsx, ['stack/src/cli.ts', ...args], { cwd: repoRoot, timeout: timeoutMs });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`stack CLI "${args.join(' ')}" failed: ${String(error)}\n${stdout}\n${stderr}`);
  }
}

/**
 * SIGTERM to each named component at once (the launcher's `down`, which escalates to SIGKILL after a
 * grace period), and waits until each has exited.
 */
export async function stopComponents(names: string[]): Promise<void> {
  await Promise.all(names.map((name) => stackCli(['down', name], 180_000)));
}
/**
 * Starts the named components and waits until each is ready (the launcher's `up`). Retried: on a
 * shared stack another run's `up` may start the same component at the same moment, and the loser of
 * that race exits at once (its port is taken); a second `up` then finds the winner running.
 */
export async function startComponents(names: string[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await stackCli(['up', ...names], 300_000);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}
/** `npm run register`: creates or updates the connector and the supervisor. */
export const runRegistration = (): Promise<void> => stackCli(['register'], 180_000);

const indexer = axios.create({ baseURL: `${overlordUrl}/druid/indexer/v1`, timeout: 15_000 });
const coordinator = axios.create({ baseURL: `${overlordUrl}/druid/coordinator/v1`, timeout: 15_000 });

/** Ids of the datasource's tasks that are running, pending or waiting. */
async function activeTasks(): Promise<string[]> {
  const states = ['running', 'pending', 'waiting'];
  const lists = await Promise.all(
    states.map((state) =>
      indexer.get<{ id: string }[]>('/tasks', { params: { state, datasource: DATASOURCE } }),
    ),
  );
  return lists.flatMap(({ data }) => data.map((task) => task.id));
}

/** Rows of the datasource the broker serves (0 when it has no segment at all). */
export async function servedRowCount(): Promise<number> {
  const [row] = await druidSql<{ rows: number }>(`SELECT COUNT(*) AS "rows" FROM "${DATASOURCE}"`);
  return row?.rows ?? 0;
}

/**
 * Rebuilds the datasource from the whole `ministatement` topic without double counting (the procedure
 * of docs/druid.md): suspend the supervisor and let its tasks finish; mark every segment unused and
 * wait until the broker serves none; kill the unused segments (deletes them from deep storage);
 * hard-reset the supervisor (forget the stored Kafka offsets, so useEarliestOffset applies); resume.
 * Leaves the supervisor RUNNING, re-reading the topic from the earliest offset.
 */
export async function rebuildDatasource(log: (step: string) => void = () => undefined): Promise<void> {
  log('suspend the supervisor');
  await indexer.post(`/supervisor/${DATASOURCE}/suspend`);
  await waitForSupervisorState('SUSPENDED', 120_000);
  await waitFor(async () => ((await activeTasks()).length === 0 ? true : undefined), {
    description: `the ${DATASOURCE} tasks to publish and exit after the suspension`,
    timeoutMs: 120_000,
    intervalMs: 1000,
  });

  log('mark every segment unused');
  await coordinator.delete(`/datasources/${DATASOURCE}`);
  await waitFor(async () => ((await servedRowCount()) === 0 ? true : undefined), {
    description: `the broker to stop serving ${DATASOURCE}`,
    timeoutMs: 120_000,
    intervalMs: 1000,
  });

  log('kill the unused segments');
  const { data: kill } = await indexer.post<{ task: string }>('/task', {
    type: 'kill',
    dataSource: DATASOURCE,
    interval: '1000-01-01/3000-01-01',
  });
  const outcome = await waitFor(
    async () => {
      const { data } = await indexer.get<{ status?: { status?: string } }>(`/task/${kill.task}/status`);
      const status = data.status?.status;
      return status === 'SUCCESS' || status === 'FAILED' ? status : undefined;
    },
    { description: `kill task ${kill.task} to finish`, timeoutMs: 120_000, intervalMs: 1000 },
  );
  if (outcome !== 'SUCCESS') throw new Error(`kill task ${kill.task} ended ${outcome}`);

  log('hard-reset the supervisor and resume it');
  await indexer.post(`/supervisor/${DATASOURCE}/reset`);
  await indexer.post(`/supervisor/${DATASOURCE}/resume`);
  await waitForSupervisorRunning(120_000);
}

/**
 * Boots another instance of the app with some variables changed (e.g. Druid's address), without its
 * projector so that it does not join the projector's consumer group. The environment is restored
 * once the app has read it.
 */
export async function startAppWithEnv(env: Record<string, string>): Promise<TestApp> {
  const saved = Object.entries({ PROJECTOR_ENABLED: 'false', ...env }).map(([name, value]) => {
    const previous = process.env[name];
    process.env[name] = value;
    return [name, previous] as const;
  });
  try {
    return await startApp();
  } finally {
    for (const [name, previous] of saved) {
      if (previous === undefined) delete process.env[name];
      else process.env[name] = previous;
    }
  }
}

/**
 * Withdraws `amount` from every card, round after round with a pause between rounds, until stopped.
 * Paced so that it keeps flowing through a slow fault (Druid takes minutes to restart), bounded by
 * `maxDurationMs`. A failed withdrawal stops the load and fails `stop()`.
 */
export function startPacedLoad(
  testApp: TestApp,
  cards: string[],
  amount: string,
  { pauseMs = 200, maxDurationMs = 600_000 } = {},
) {
  const accepted: Receipt[] = [];
  let stopped = false;
  const deadline = Date.now() + maxDurationMs;
  const running = (async () => {
    while (!stopped && Date.now() < deadline) {
      accepted.push(...(await Promise.all(cards.map((card) => withdraw(testApp, card, amount)))));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  running.catch(() => undefined); // reported by stop()
  return {
    accepted,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

/** Waits until Druid serves at least one row of each card (the stream reaches Druid). */
export async function waitForDruidRows(cards: string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const totals = await druidTotals(cards);
      return cards.every((card) => (totals.get(card)?.count ?? 0) > 0) ? true : undefined;
    },
    { description: `rows of ${cards.length} card(s) in Druid`, timeoutMs, intervalMs: 500 },
  );
}
