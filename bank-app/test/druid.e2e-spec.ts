// Druid's ingestion of `ministatement` against the real stack: each withdrawal is in Druid exactly
// once with its exact amount, valid traffic produces no unparseable or thrown-away row, a malformed
// record is counted as unparseable (not silently lost), and re-running the registration changes
// nothing. Druid's row counters belong to its current task and only grow, so every check compares
// the same task's counters before and after (a delta), which holds on a long-lived stack in any order.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb } from './support/db';
import { withdraw, type Receipt } from './support/exactly-once';
import {
  compareWithReadModel,
  countsByCard,
  druidSql,
  parseErrors,
  runRegistration,
  supervisorSpec,
  supervisorStatus,
  taskRowCounters,
  waitForDruidToMatchReadModel,
  waitForIngestionCaughtUp,
  waitForSupervisorRunning,
  type RowCounters,
} from './support/druid';
import { produce, waitForConnectorRunning } from './support/pipeline';
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
  await testApp?.close();
  await db?.end();
});

/** Withdrawals on fresh cards, a few rounds over all of them; returns the cards and the receipts. */
async function withdrawOnNewCards(cardCount: number, rounds: number, prefix: string) {
  const cards = await Promise.all(
    Array.from({ length: cardCount }, () => createCard(testApp, '1000000.00', prefix)),
  );
  const receipts: Receipt[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const amounts = cards.map((_, index) => `${index + 1}.${String(round).padStart(2, '0')}`);
    receipts.push(
      ...(await Promise.all(cards.map((card, index) => withdraw(testApp, card, amounts[index])))),
    );
  }
  return { cards, receipts };
}

interface CounterDelta {
  processed: number;
  processedWithError: number;
  unparseable: number;
  thrownAway: number;
}

/**
 * How much the counters grew, summed over the tasks; undefined when a task started in between (a
 * hand-over: the new task's counters began at 0 somewhere in the window, so no delta is exact).
 */
function delta(before: Map<string, RowCounters>, after: Map<string, RowCounters>): CounterDelta | undefined {
  if (after.size === 0 || [...after.keys()].some((taskId) => !before.has(taskId))) return undefined;
  const sum: CounterDelta = { processed: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 };
  for (const [taskId, now] of after) {
    const then = before.get(taskId) as RowCounters;
    sum.processed += now.processed - then.processed;
    sum.processedWithError += now.processedWithError - then.processedWithError;
    sum.unparseable += now.unparseable - then.unparseable;
    sum.thrownAway += now.thrownAway - then.thrownAway;
  }
  return sum;
}

it('holds every withdrawal once, with the exact sum per card, and parses all of them', async () => {
  // The counters are per task; a task hand-over between the two readings would hide the delta, so
  // the comparison is retried (bounded) until one task spans the whole exchange.
  for (let attempt = 1; ; attempt += 1) {
    await waitForIngestionCaughtUp();
    const before = await taskRowCounters();
    const { cards, receipts } = await withdrawOnNewCards(4, 5, 'druid');
    const comparison = await waitForDruidToMatchReadModel(db, cards, {
      expectedCounts: countsByCard(receipts),
    });
    const after = await taskRowCounters();

    for (const { card, readModel, druid } of comparison) {
      expect({ card, druid }).toEqual({
        card,
        druid: { count: readModel.count, distinctIds: readModel.count, sumMinor: readModel.sumMinor },
      });
    }
    const grown = delta(before, after);
    if (grown === undefined && attempt < 3) continue; // a task handed over meanwhile: measure again
    expect(grown).toBeDefined();
    expect(grown?.processed).toBeGreaterThanOrEqual(receipts.length);
    expect({
      unparseable: grown?.unparseable,
      thrownAway: grown?.thrownAway,
      withError: grown?.processedWithError,
    }).toEqual({ unparseable: 0, thrownAway: 0, withError: 0 });
    return;
  }
}, 420_000);

/**
 * Produces one record without transactionDate and one that is not JSON, and returns how the reading
 * task's counters grew; undefined when the task handed over meanwhile (the delta is then unknown).
 */
async function produceMalformed(marker: string): Promise<CounterDelta | undefined> {
  await waitForIngestionCaughtUp();
  const before = await taskRowCounters();
  await produce('ministatement', [
    // Valid JSON, but no transactionDate: Druid has no timestamp for the row.
    {
      key: marker,
      value: JSON.stringify({
        id: marker,
        debitCardId: marker,
        amount: '1.00',
        amountMinor: 100,
        version: 1,
      }),
    },
    // Not JSON at all.
    { key: marker, value: `this is not JSON ${marker}` },
  ]);
  let handedOver = false;
  const grown = await waitFor(
    async () => {
      const grown = delta(before, await taskRowCounters());
      if (grown === undefined) {
        handedOver = true;
        return null;
      }
      return grown.unparseable >= 2 ? grown : undefined;
    },
    {
      description: 'Druid to count the 2 malformed records as unparseable',
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  );
  return handedOver || grown === null ? undefined : grown;
}

it('counts malformed ministatement records as unparseable and keeps them out of the datasource', async () => {
  let marker = `malformed-${randomUUID()}`;
  let grown = await produceMalformed(marker);
  if (grown === undefined) {
    marker = `malformed-${randomUUID()}`; // the task rolled over meanwhile: once more
    grown = await produceMalformed(marker);
  }

  expect(grown).toBeDefined();
  expect(grown?.unparseable).toBe(2); // exactly these two, none of the valid traffic
  expect(grown?.thrownAway).toBe(0);
  // Druid keeps the parse errors with the input, so the records can be found (not silently lost)…
  const saved = JSON.stringify(await parseErrors());
  expect(saved.split(marker).length - 1).toBeGreaterThanOrEqual(2);
  // …and none of it became a row.
  const rows = await druidSql<{ rows: number }>(
    'SELECT COUNT(*) AS "rows" FROM "bankapp" WHERE "debitCardId" = ? OR "id" = ?',
    [
      { type: 'VARCHAR', value: marker },
      { type: 'VARCHAR', value: marker },
    ],
  );
  expect(rows[0]?.rows ?? 0).toBe(0);
}, 420_000);

it('changes nothing when the registration runs again', async () => {
  const { cards, receipts } = await withdrawOnNewCards(2, 3, 'reg');
  await waitForDruidToMatchReadModel(db, cards, { expectedCounts: countsByCard(receipts) });
  const specBefore = await supervisorSpec();
  const totalsBefore = await compareWithReadModel(db, cards);

  await runRegistration();

  expect(await supervisorSpec()).toEqual(specBefore);
  await waitForSupervisorRunning(120_000);
  expect((await supervisorStatus()).state).toBe('RUNNING');
  // Still every row once: the same counts and sums as before, in agreement with the read model.
  const totalsAfter = await waitForDruidToMatchReadModel(db, cards, { timeoutMs: 120_000 });
  expect(totalsAfter).toEqual(totalsBefore);
}, 300_000);
