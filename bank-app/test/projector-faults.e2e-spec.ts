// The projector as a real OS process under faults: a crash between its database commit and its Kafka
// commit, a crash inside its Kafka transaction, a SIGKILL in the middle of the load, and two instances
// sharing the consumer group while one of them stops. Each is followed by the same exactly-once checks.
// The HTTP side runs in-process with its projector switched off, so the only projectors are the
// processes this file starts and kills.
import { AssignerProtocol } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { TRANSACTION_TIMEOUT_MS } from '../src/projector/partition-transactions';
import { startApp, type TestApp } from './support/app';
import { buildApp, spawnApp, stopApp, type AppProcess } from './support/app-process';
import { createCard } from './support/cards';
import { openTestDb } from './support/db';
import { expectExactlyOnce, linesOf, startLoad, withdraw, type Receipt } from './support/exactly-once';
import {
  endOffsets,
  ministatementOf,
  projectorCaughtUp,
  projectorGroupMembers,
  waitForConnectorRunning,
  waitForProjectorCaughtUp,
} from './support/pipeline';
import { waitFor } from './support/wait-for';

let testApp: TestApp;
let db: Pool;
const running: AppProcess[] = [];
const projectorSetting = process.env.PROJECTOR_ENABLED;

beforeAll(async () => {
  await buildApp();
  process.env.PROJECTOR_ENABLED = 'false';
  testApp = await startApp();
  db = openTestDb();
  await waitForConnectorRunning();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => stopApp(app, 'SIGKILL')));
});

afterAll(async () => {
  await testApp?.close();
  await db?.end();
  if (projectorSetting === undefined) delete process.env.PROJECTOR_ENABLED;
  else process.env.PROJECTOR_ENABLED = projectorSetting;
});

// Each test reads `ministatement` from where it ended when the test began: only what it wrote.
let since: Map<number, bigint>;
beforeEach(async () => {
  since = await endOffsets('ministatement');
});

/** The partitions of debit_card each member of the projector group holds. */
async function assignments(): Promise<number[][]> {
  return (await projectorGroupMembers()).map(
    (member) =>
      AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment.debit_card ?? [],
  );
}

async function projector(
  name: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
  awaitHealth = true,
): Promise<AppProcess> {
  const app = await spawnApp(name, port, env, awaitHealth);
  running.push(app);
  return app;
}

/** Two new cards, each with `rounds` accepted withdrawals of `amount`. */
async function twoCardsWithWithdrawals(
  prefix: string,
  rounds: number,
  amount: string,
): Promise<{ cards: string[]; accepted: Receipt[] }> {
  const cards = await Promise.all([1, 2].map(() => createCard(testApp, '1000.00', prefix)));
  const accepted: Receipt[] = [];
  for (let round = 0; round < rounds; round += 1) {
    accepted.push(...(await Promise.all(cards.map((card) => withdraw(testApp, card, amount)))));
  }
  return { cards, accepted };
}

it('replays a batch whose database commit landed but whose Kafka transaction never did', async () => {
  const { cards, accepted } = await twoCardsWithWithdrawals('crash', 4, '2.50');

  // The hook kills the process (SIGKILL) right after its first database commit that wrote lines.
  const crashing = await projector(
    'projector-crash',
    18_201,
    { PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS: '1' },
    false,
  );
  await expect(crashing.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  const written = await linesOf(db, cards);
  const published = new Set((await ministatementOf(cards, since)).map((message) => message.id));
  expect(written.length).toBeGreaterThan(0);
  expect(written.filter((line) => published.has(line.id))).toEqual([]); // in the database, not yet in Kafka

  await projector('projector-after-crash', 18_202);
  await expectExactlyOnce(db, cards, accepted, since);
});

it('aborts the transaction a killed projector left open at once, instead of waiting for it to time out', async () => {
  const { cards, accepted } = await twoCardsWithWithdrawals('crash-in-txn', 3, '1.25');

  // Killed inside the Kafka transaction: its messages and the consumer offset sent, the commit not.
  const crashing = await projector(
    'projector-crash-in-txn',
    18_203,
    { PROJECTOR_FAULT_KILL_AFTER_DB_COMMITS: '1', PROJECTOR_FAULT_KILL_POINT: 'before-kafka-commit' },
    false,
  );
  await expect(crashing.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  expect(await projectorCaughtUp()).toBe(false); // the offsets wait in the open transaction

  // Until the broker aborts that transaction by timeout, its partition's offset is unstable: a new
  // owner that read the offset before fencing the old one would wait for it. Bounded well below it.
  await projector('projector-after-crash-in-txn', 18_204);
  await waitForProjectorCaughtUp(TRANSACTION_TIMEOUT_MS / 2);
  await expectExactlyOnce(db, cards, accepted, since);
});

it('stays exactly-once when the projector is killed with SIGKILL in the middle of the load', async () => {
  const cards = await Promise.all([1, 2, 3].map(() => createCard(testApp, '1000000.00', 'kill9')));
  const first = await projector('projector-kill9-a', 18_211);
  const load = startLoad(testApp, cards, '0.75');
  await waitFor(async () => ((await linesOf(db, cards)).length >= 30 ? true : undefined), {
    description: 'the first projector to have projected 30 lines',
  });
  await stopApp(first, 'SIGKILL');
  await waitFor(() => Promise.resolve(load.accepted.length >= 150 ? true : undefined), {
    description: 'more withdrawals while no projector runs',
  });
  await projector('projector-kill9-b', 18_212);
  await load.stop();
  await expectExactlyOnce(db, cards, load.accepted, since);
});

it('shares the work between two instances, and loses nothing while one of them stops', async () => {
  await waitForProjectorCaughtUp();
  const cards = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createCard(testApp, '1000000.00', 'scale')));
  const first = await projector('projector-scale-a', 18_221);
  await projector('projector-scale-b', 18_222);
  const load = startLoad(testApp, cards, '1.10');
  await waitFor(async () => ((await linesOf(db, cards)).length >= 60 ? true : undefined), {
    description: 'both instances to be projecting',
  });
  await waitFor(
    async () =>
      (await assignments()).filter((partitions) => partitions.length > 0).length === 2 ? true : undefined,
    {
      description: 'the two instances to hold the partitions of debit_card between them',
    },
  );
  await stopApp(first, 'SIGTERM'); // a graceful stop: the group rebalances onto the other instance
  await waitFor(() => Promise.resolve(load.accepted.length >= 240 ? true : undefined), {
    description: 'withdrawals after the rebalance',
  });
  await load.stop();
  await expectExactlyOnce(db, cards, load.accepted, since);
});
