// The mini statement through the real Debezium, Kafka Connect and Kafka: every accepted withdrawal
// appears exactly once in money_withdrawal and exactly once in `ministatement` (read_committed), in
// version order, also when Debezium re-sends events, re-snapshots, or Kafka Connect is killed.
import fs from 'node:fs';
import path from 'node:path';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { ProjectorStats } from '../src/projector/projector.stats';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb, readCardRow } from './support/db';
import {
  cents,
  expectExactlyOnce,
  startLoad,
  waitForProjectorConsuming,
  withdraw,
  type Receipt,
} from './support/exactly-once';
import {
  connectorOffsets,
  kafka,
  endOffsets,
  ministatementOf,
  produce,
  readCommitted,
  rewriteConnectorOffsets,
  waitForConnectorRunning,
  waitForProjectorCaughtUp,
} from './support/pipeline';
import { signalComponent, startComponent } from './support/stack';
import { waitFor } from './support/wait-for';

let testApp: TestApp;
let db: Pool;

/** A real Debezium update event (schemaless), to build events the tests produce themselves. */
function updateFixture(): { value: { before: Record<string, unknown>; after: Record<string, unknown> } } {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, 'fixtures', 'debezium', 'schemaless', 'update.json'), 'utf8'),
  ) as { value: { before: Record<string, unknown>; after: Record<string, unknown> } };
}

beforeAll(async () => {
  testApp = await startApp();
  db = openTestDb();
  await waitForConnectorRunning();
  await waitForProjectorConsuming(testApp); // the first test expects an answer within minVersion's wait
});

afterAll(async () => {
  await testApp?.close();
  await db?.end();
});

// Each test's checks read the topics from where they ended when it began: only what it wrote.
let since: Map<number, bigint>;
let deadLettersSince: Map<number, bigint>;
beforeEach(async () => {
  [since, deadLettersSince] = await Promise.all([endOffsets('ministatement'), endOffsets('debit_card.dlq')]);
});

it('shows the README withdrawal on the first GET with minVersion, with the database time and request id', async () => {
  const requestId = `readme-${Date.now()}`;
  const receipt = await withdraw(testApp, '123456789', '10.00', requestId);
  const response = await testApp
    .api()
    .get(`/moneywithdrawals?debitCardId=123456789&minVersion=${receipt.version}`);
  expect(response.status).toBe(200);
  expect(response.headers['x-read-model-behind']).toBeUndefined();
  const card = await readCardRow(db, '123456789');
  expect((response.body as unknown[])[0]).toEqual({
    id: receipt.withdrawalId,
    debitCardId: '123456789',
    amount: '10.00',
    transactionDate: card?.last_withdrawn_at?.toISOString(),
    version: receipt.version,
    requestId,
  });
  // The same request id travels on to the `ministatement` message.
  await waitForProjectorCaughtUp();
  const message = (await ministatementOf(['123456789'], since)).find(
    (candidate) => candidate.id === receipt.withdrawalId,
  );
  expect(message).toMatchObject({ requestId, amount: '10.00', amountMinor: 1000, version: receipt.version });
});

it('projects withdrawals over several cards exactly once, in per-card version order', async () => {
  const cards = await Promise.all([1, 2, 3, 4, 5].map(() => createCard(testApp, '100000.00', 'eo')));
  const accepted: Receipt[] = [];
  for (let round = 0; round < 8; round += 1) {
    // Concurrent across cards, sequential per card: versions 1..8 on each.
    accepted.push(
      ...(await Promise.all(cards.map((card, index) => withdraw(testApp, card, `${index + 1}.${round}5`)))),
    );
  }
  await expectExactlyOnce(db, cards, accepted, since);

  const statement = await testApp.api().get(`/moneywithdrawals?debitCardId=${cards[0]}&limit=3`);
  expect((statement.body as { version: number }[]).map((line) => line.version)).toEqual([8, 7, 6]);
});

it('dead-letters poison events with the reason, and keeps projecting later events', async () => {
  const card = await createCard(testApp, '1000.00', 'poison');
  const first = await withdraw(testApp, card, '1.00');
  const key = JSON.stringify({ id: card });
  const update = updateFixture();
  const negative = {
    ...update.value,
    before: { ...update.value.before, id: card, used_limit: '9.00' },
    after: { ...update.value.after, id: card, used_limit: '1.00' },
  };
  // Same key as the card's real events: the same partition, so the later withdrawal comes after them.
  await produce('debit_card', [
    { key, value: 'this is not JSON' },
    { key, value: JSON.stringify({ op: 'u' }) },
    { key, value: JSON.stringify(negative) },
  ]);
  const second = await withdraw(testApp, card, '2.00');

  await expectExactlyOnce(db, [card], [first, second], since);
  const dead = await readCommitted('debit_card.dlq', {
    from: deadLettersSince,
    where: (record) => record.key === key,
  });
  expect(dead.map((record) => record.headers['dlq.reason'])).toEqual([
    'the value is not JSON',
    '"before" is missing',
    'negative used_limit delta -8.00',
  ]);
  expect(dead.map((record) => record.value)).toEqual([
    'this is not JSON',
    JSON.stringify({ op: 'u' }),
    JSON.stringify(negative),
  ]);
});

it('dead-letters a withdrawal whose id is already another line’s, instead of skipping it as a duplicate', async () => {
  const card = await createCard(testApp, '1000.00', 'idtaken');
  const first = await withdraw(testApp, card, '1.00');
  // Its line first: produced before Debezium ships the real version 1, the copy would take the id.
  await expectExactlyOnce(db, [card], [first], since);
  const key = JSON.stringify({ id: card });
  const update = updateFixture();
  // What an UPDATE that withdrew but left last_withdrawal_id alone would produce: version 2, with the
  // first withdrawal's id. It is not a re-send (no line has version 2), so it must not be skipped quietly.
  const sameId = {
    ...update.value,
    before: { ...update.value.before, id: card, used_limit: '1.00', version: first.version },
    after: {
      ...update.value.after,
      id: card,
      used_limit: '3.00',
      version: first.version + 1,
      last_withdrawal_id: first.withdrawalId,
    },
  };
  await produce('debit_card', [{ key, value: JSON.stringify(sameId) }]);
  // Projected before the real version 2 exists (in one batch with it, it would be a re-send of it).
  await waitForProjectorCaughtUp();
  const second = await withdraw(testApp, card, '2.00');

  await expectExactlyOnce(db, [card], [first, second], since);
  const dead = await readCommitted('debit_card.dlq', {
    from: deadLettersSince,
    where: (record) => record.key === key,
  });
  expect(dead.map((record) => record.headers['dlq.reason'])).toEqual([
    `withdrawal id ${first.withdrawalId} (card ${card} v${first.version + 1}) is already another line's`,
  ]);
  expect(dead.map((record) => record.value)).toEqual([JSON.stringify(sameId)]);
});

it('absorbs the events Debezium re-sends, and counts them as skipped duplicates', async () => {
  await waitForProjectorCaughtUp();
  const rewindTo = await connectorOffsets();
  const cards = await Promise.all([1, 2].map(() => createCard(testApp, '1000.00', 'dup')));
  const accepted: Receipt[] = [];
  for (let round = 0; round < 5; round += 1)
    accepted.push(...(await Promise.all(cards.map((card) => withdraw(testApp, card, '3.00')))));
  await expectExactlyOnce(db, cards, accepted, since);
  const stats = testApp.app.get(ProjectorStats);
  const skippedBefore = stats.duplicatesSkipped;

  // Rewinding the connector's offsets makes Debezium send every event since then again, as after a crash.
  const endsBefore = await endOffsets('debit_card');
  await rewriteConnectorOffsets(rewindTo);
  await waitFor(
    () => Promise.resolve(stats.duplicatesSkipped - skippedBefore >= accepted.length ? true : undefined),
    {
      description: `the projector to skip the ${accepted.length} re-sent withdrawals`,
      timeoutMs: 60_000,
    },
  );
  await expectExactlyOnce(db, cards, accepted, since);
  // Every withdrawal update past the old end of the topic is a re-send. Connect flushes its offsets
  // once a second, so the rewind may also re-send a few earlier updates of other cards: count them all.
  const resent = (await readCommitted('debit_card', { from: endsBefore })).filter((record) => {
    if (record.value === null) return false;
    const event = JSON.parse(record.value) as {
      op?: string;
      before?: { used_limit: string };
      after?: { used_limit: string };
    };
    return event.op === 'u' && cents(event.after?.used_limit ?? '0') > cents(event.before?.used_limit ?? '0');
  });
  expect(resent.length).toBeGreaterThanOrEqual(accepted.length);
  expect(stats.duplicatesSkipped - skippedBefore).toBe(resent.length);
});

it('adds no withdrawal and keeps every baseline when the connector snapshots again', async () => {
  await waitForProjectorCaughtUp();
  interface Counts extends RowDataPacket {
    statementLines: number;
    baselines: number;
    cards: number;
  }
  const [[before]] = await db.query<Counts[]>(
    'SELECT (SELECT COUNT(*) FROM money_withdrawal) AS statementLines, (SELECT COUNT(*) FROM card_baseline) AS baselines, ' +
      '(SELECT COUNT(*) FROM debit_card) AS cards',
  );
  const admin = kafka.admin();
  await admin.connect();
  const eventsBefore = (await admin.fetchTopicOffsets('debit_card')).reduce(
    (sum, entry) => sum + Number(entry.high),
    0,
  );

  await rewriteConnectorOffsets(undefined); // no offsets: the connector reads every card again (op r)
  await waitFor(
    async () => {
      const events = (await admin.fetchTopicOffsets('debit_card')).reduce(
        (sum, entry) => sum + Number(entry.high),
        0,
      );
      return events >= eventsBefore + Number(before.cards) ? true : undefined;
    },
    { description: `a snapshot read of all ${String(before.cards)} cards on debit_card`, timeoutMs: 90_000 },
  );
  await admin.disconnect();
  await waitForProjectorCaughtUp();

  const [[after]] = await db.query<Counts[]>(
    'SELECT (SELECT COUNT(*) FROM money_withdrawal) AS statementLines, (SELECT COUNT(*) FROM card_baseline) AS baselines',
  );
  expect(Number(before.statementLines)).toBeGreaterThan(0);
  expect({ lines: after.statementLines, baselines: after.baselines }).toEqual({
    lines: before.statementLines,
    baselines: before.baselines,
  });
});

it('stays exactly-once when Kafka Connect is killed (SIGKILL) and restarted while withdrawals continue', async () => {
  await waitForProjectorCaughtUp();
  const cards = await Promise.all([1, 2, 3].map(() => createCard(testApp, '1000000.00', 'connect')));
  const load = startLoad(testApp, cards, '1.25');
  const accepted = load.accepted;
  await waitFor(() => Promise.resolve(accepted.length >= 30 ? true : undefined), {
    description: 'load to be flowing',
  });
  await signalComponent('connect', 'SIGKILL');
  await waitFor(() => Promise.resolve(accepted.length >= 120 ? true : undefined), {
    description: 'withdrawals while Connect is down',
  });
  await startComponent('connect');
  await waitForConnectorRunning();
  await load.stop();
  await expectExactlyOnce(db, cards, accepted, since);
});
