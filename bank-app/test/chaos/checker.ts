// The checker of the bank workload: once the pipeline is quiet, compares what the ledger says happened
// with the write model, the read model, the `ministatement` topic (read_committed) and Druid, exactly.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { cents } from '../support/exactly-once';
import { druidSql, taskRowCounters, type RowCounters } from '../support/druid';
import {
  endOffsets,
  readCommitted,
  readCommittedWithJava,
  waitForProjectorCaughtUp,
  type ReadOptions,
} from '../support/pipeline';
import { waitFor } from '../support/wait-for';
import type { Ledger } from './ledger';

export interface Verdict {
  invariant: string;
  holds: boolean;
  detail: string;
}

interface CardRow extends RowDataPacket {
  id: string;
  initial_limit: string;
  used_limit: string;
}

function okIds(ledger: Ledger): string[] {
  return ledger.attempts.flatMap((attempt) =>
    attempt.outcome === 'ok' && attempt.withdrawalId ? [attempt.withdrawalId] : [],
  );
}

/** Ids seen more than once, and ids expected but missing / present but unexpected. */
function compareIds(name: string, expected: string[], actual: string[]): Verdict {
  const expectedSet = new Set(expected);
  const seen = new Map<string, number>();
  for (const id of actual) seen.set(id, (seen.get(id) ?? 0) + 1);
  const duplicated = [...seen].filter(([, times]) => times > 1).length;
  const missing = expected.filter((id) => !seen.has(id)).length;
  const unexpected = [...seen.keys()].filter((id) => !expectedSet.has(id)).length;
  return {
    invariant: name,
    holds: duplicated === 0 && missing === 0 && unexpected === 0,
    detail: `${actual.length} rows, ${missing} missing, ${duplicated} duplicated, ${unexpected} unexpected`,
  };
}

async function readModelIds(db: Pool, cards: string[]): Promise<string[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id FROM money_withdrawal WHERE debit_card_id IN (?)',
    [cards],
  );
  return rows.map((row) => String(row.id));
}

async function druidIds(cards: string[]): Promise<string[]> {
  const rows = await druidSql<{ id: string }>(
    `SELECT "id" FROM "bankapp" WHERE "debitCardId" IN (${cards.map(() => '?').join(', ')})`,
    cards.map((card) => ({ type: 'VARCHAR', value: card })),
  );
  return rows.map((row) => row.id);
}

/** Runs `work` and returns how many seconds it took. */
export async function secondsTaken(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await work();
  return (Date.now() - started) / 1000;
}

/** Seconds each wait of waitUntilQuiet took, in order: where a slow recovery spent its time. */
export interface QuietPhases {
  readModel: number;
  projectorCaughtUp: number;
  druid: number;
}

/** Waits (bounded) until the read model and Druid hold as many lines for the cards as there are oks. */
export async function waitUntilQuiet(db: Pool, ledger: Ledger, cards: string[]): Promise<QuietPhases> {
  const expected = okIds(ledger).length;
  const readModel = await secondsTaken(() =>
    waitFor(async () => ((await readModelIds(db, cards)).length >= expected ? true : undefined), {
      description: `the read model to hold the ${expected} ok withdrawals`,
      timeoutMs: 180_000,
      intervalMs: 500,
    }),
  );
  const projectorCaughtUp = await secondsTaken(() => waitForProjectorCaughtUp(180_000));
  const druid = await secondsTaken(() =>
    waitFor(async () => ((await druidIds(cards)).length >= expected ? true : undefined), {
      description: `Druid to hold the ${expected} ok withdrawals`,
      timeoutMs: 180_000,
      intervalMs: 1000,
    }),
  );
  return { readModel, projectorCaughtUp, druid };
}

/** Where a scenario's reads of the two topics start: their end offsets when it began. */
export interface ScenarioStart {
  debitCard: Map<number, bigint>;
  ministatement: Map<number, bigint>;
}

export async function scenarioStart(): Promise<ScenarioStart> {
  const [debitCard, ministatement] = await Promise.all([
    endOffsets('debit_card'),
    endOffsets('ministatement'),
  ]);
  return { debitCard, ministatement };
}

/** How many times Debezium delivered an update of these cards more than once (absorbed by the projector). */
export async function duplicateChangeEvents(cards: string[], since: Map<number, bigint>): Promise<number> {
  const keys = new Set(cards.map((card) => JSON.stringify({ id: card })));
  const seen = new Map<string, number>();
  const records = await readCommitted('debit_card', {
    from: since,
    where: (record) => record.key !== null && keys.has(record.key) && record.value !== null,
  });
  for (const record of records) {
    if (record.value === null) continue;
    const event = JSON.parse(record.value) as { op?: string; after?: { id: string; version: number } };
    if (event.op !== 'u' || !event.after) continue;
    const identity = `${event.after.id}:${event.after.version}`;
    seen.set(identity, (seen.get(identity) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, times) => sum + times - 1, 0);
}

/** Unparseable rows counted by Druid's tasks since `before` (a task that appeared since counts whole). */
export function unparseableSince(before: Map<string, RowCounters>, after: Map<string, RowCounters>): number {
  let total = 0;
  for (const [task, counters] of after) total += counters.unparseable - (before.get(task)?.unparseable ?? 0);
  return total;
}

export async function checkInvariants(
  db: Pool,
  ledger: Ledger,
  cards: string[],
  rowCountersBefore: Map<string, RowCounters>,
  since: ScenarioStart,
): Promise<Verdict[]> {
  const expected = okIds(ledger);
  const verdicts: Verdict[] = [];

  const [cardRows] = await db.query<CardRow[]>(
    'SELECT id, initial_limit, used_limit FROM debit_card WHERE id IN (?)',
    [cards],
  );
  const overdrawn = cardRows.filter((row) => cents(row.used_limit) > cents(row.initial_limit));
  verdicts.push({
    invariant: 'no card overdrawn',
    holds: overdrawn.length === 0,
    detail: `${overdrawn.length} overdrawn`,
  });

  const wrong = cardRows.filter((row) => {
    const okSum = ledger.attempts
      .filter((attempt) => attempt.card === row.id && attempt.outcome === 'ok')
      .reduce((sum, attempt) => sum + cents(attempt.amount), 0n);
    return cents(row.used_limit) !== okSum;
  });
  verdicts.push({
    invariant: 'used_limit = sum of ok withdrawals',
    holds: wrong.length === 0 && cardRows.length === cards.length,
    detail: `${wrong.length} of ${cardRows.length} cards differ`,
  });

  verdicts.push(compareIds('read model = ok withdrawals', expected, await readModelIds(db, cards)));
  // `ministatement` read twice: with kafkajs, the client a TypeScript user consumes it with, and with
  // Kafka's reference Java client (as Druid reads it). Both must see every ok withdrawal once.
  const cardSet = new Set(cards);
  const range: ReadOptions = {
    from: since.ministatement,
    where: (record) => record.key !== null && cardSet.has(record.key),
  };
  const idsOf = (records: { value: string | null }[]) =>
    records.map((record) => (JSON.parse(record.value ?? '{}') as { id: string }).id);
  const [byKafkajs, byJava] = await Promise.all([
    readCommitted('ministatement', range),
    readCommittedWithJava('ministatement', range),
  ]);
  verdicts.push(
    compareIds('ministatement (kafkajs read_committed) = ok withdrawals', expected, idsOf(byKafkajs)),
  );
  verdicts.push(compareIds('ministatement (Java read_committed) = ok withdrawals', expected, idsOf(byJava)));
  verdicts.push(compareIds('Druid = ok withdrawals', expected, await druidIds(cards)));

  const unparseable = unparseableSince(rowCountersBefore, await taskRowCounters());
  verdicts.push({
    invariant: 'Druid parsed every row',
    holds: unparseable === 0,
    detail: `${unparseable} unparseable`,
  });
  return verdicts;
}
