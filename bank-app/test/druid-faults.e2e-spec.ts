// Druid under faults, against the real stack. Slow and disruptive (Druid is down for a while in each
// test): every wait is bounded, and each test leaves the supervisor RUNNING.
//  - Every Druid process stopped (SIGTERM) and restarted while withdrawals flow: no row lost, none
//    duplicated, and the API answers 503 (not 500, not wrong numbers) while the broker is away.
//  - The clean rebuild of docs/druid.md (suspend, drop every segment, hard reset, resume) re-reads the
//    whole topic and ends with the same counts and sums as the read model: no double counting.
import type { Pool } from 'mysql2/promise';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb } from './support/db';
import { withdraw, type Receipt } from './support/exactly-once';
import {
  countsByCard,
  DRUID_COMPONENTS,
  rebuildDatasource,
  servedRowCount,
  startComponents,
  startPacedLoad,
  stopComponents,
  waitForDruidRows,
  waitForDruidToMatchReadModel,
  waitForSupervisorRunning,
} from './support/druid';
import { waitForConnectorRunning } from './support/pipeline';
import { waitFor } from './support/wait-for';

let testApp: TestApp;
let db: Pool;

beforeAll(async () => {
  testApp = await startApp();
  db = openTestDb();
  await waitForConnectorRunning();
  await waitForSupervisorRunning();
});

afterAll(async () => {
  // Whatever happened, leave Druid running for the next test and for the other users of the stack.
  await startComponents(DRUID_COMPONENTS).catch(() => undefined);
  await testApp?.close();
  await db?.end();
}, 320_000);

const progress = (message: string) => process.stdout.write(`[druid-faults] ${message}\n`);

it('neither loses nor duplicates rows when every Druid process restarts mid-stream', async () => {
  const cards = await Promise.all([1, 2, 3].map(() => createCard(testApp, '1000000.00', 'drst')));
  const load = startPacedLoad(testApp, cards, '1.25');
  try {
    // The stream is live: withdrawals of these cards are queryable in Druid.
    await waitForDruidRows(cards);

    progress(
      `stopping every Druid process (SIGTERM, waiting for each to exit); ${load.accepted.length} accepted`,
    );
    await stopComponents(DRUID_COMPONENTS);
    const acceptedWhileDown = load.accepted.length;
    progress(`Druid stopped; ${acceptedWhileDown} accepted`);

    // The API says so, with a retry hint, instead of failing or answering partial numbers.
    const analytics = await testApp.api().get('/analytics/withdrawals').query({ debitCardId: cards[0] });
    expect(analytics.status).toBe(503);
    expect(analytics.headers['retry-after']).toBeDefined();
    expect((analytics.body as { type: string }).type).toBe('/problems/analytics-unavailable');
    const ready = await testApp.api().get('/health/ready');
    expect(ready.status).toBe(503);
    expect((ready.body as { checks: { supervisor: { status: string } } }).checks.supervisor.status).toBe(
      'down',
    );

    // Withdrawals go on while Druid is away (they wait in `ministatement`).
    await waitFor(() => Promise.resolve(load.accepted.length >= acceptedWhileDown + 30 ? true : undefined), {
      description: 'withdrawals while Druid is down',
      timeoutMs: 60_000,
    });

    progress(`starting every Druid process; ${load.accepted.length} accepted`);
    await startComponents(DRUID_COMPONENTS);
    await waitForSupervisorRunning(180_000);
    progress('supervisor RUNNING again');
    const acceptedAfterRestart = load.accepted.length;
    await waitFor(
      () => Promise.resolve(load.accepted.length >= acceptedAfterRestart + 15 ? true : undefined),
      {
        description: 'withdrawals after the restart',
        timeoutMs: 60_000,
      },
    );
  } finally {
    await load.stop();
  }

  progress(`${load.accepted.length} withdrawals accepted; comparing Druid with the read model`);
  const comparison = await waitForDruidToMatchReadModel(db, cards, {
    expectedCounts: countsByCard(load.accepted),
    timeoutMs: 180_000,
  });
  for (const { druid, readModel } of comparison) {
    expect(druid.count).toBe(readModel.count);
    expect(druid.distinctIds).toBe(druid.count); // COUNT(DISTINCT id) == COUNT(*): nothing twice
    expect(druid.sumMinor).toBe(readModel.sumMinor);
  }
}, 600_000);

it('rebuilds the datasource cleanly from the topic: same counts and sums, nothing counted twice', async () => {
  const cards = await Promise.all([1, 2].map(() => createCard(testApp, '1000000.00', 'drbl')));
  const receipts: Receipt[] = [];
  for (const amount of ['3.00', '4.10', '0.07']) {
    for (const card of cards) receipts.push(await withdraw(testApp, card, amount));
  }
  await waitForDruidToMatchReadModel(db, cards, { expectedCounts: countsByCard(receipts) });

  const started = Date.now();
  await rebuildDatasource(progress);

  // Re-read from the earliest offset: the old rows are gone and the new ones are back exactly once.
  const comparison = await waitForDruidToMatchReadModel(db, cards, {
    expectedCounts: countsByCard(receipts),
    timeoutMs: 180_000,
  });
  progress(
    `rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s; ${await servedRowCount()} rows served`,
  );
  for (const { druid, readModel } of comparison) {
    expect(druid).toEqual({
      count: readModel.count,
      distinctIds: readModel.count,
      sumMinor: readModel.sumMinor,
    });
  }
  await waitForSupervisorRunning(60_000);
}, 600_000);
