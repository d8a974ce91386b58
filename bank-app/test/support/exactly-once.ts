// The exactly-once checks of docs/guarantees.md, shared by the projector's e2e and fault tests: every
// accepted withdrawal is in money_withdrawal once and in `ministatement` (kafkajs, read_committed) once, per-card
// versions are 1..n in order, and each card's used_limit equals the sum of its lines (baseline 0).
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { TestApp } from './app';
import { createCard } from './cards';
import { readCardRow } from './db';
import { ministatementOf, waitForProjectorCaughtUp } from './pipeline';
import { waitFor } from './wait-for';

export interface Receipt {
  withdrawalId: string;
  debitCardId: string;
  amount: string;
  version: number;
}

interface LineRow extends RowDataPacket {
  id: string;
  debit_card_id: string;
  version: string;
  amount: string;
}

/**
 * Waits until this app's projector is consuming: a withdrawal on a scratch card reaches the read model.
 * Right after start-up the group may still be rebalancing (for instance while it waits for the
 * session of a projector that an earlier test killed to expire).
 */
export async function waitForProjectorConsuming(testApp: TestApp, timeoutMs = 90_000): Promise<void> {
  const card = await createCard(testApp, '100.00', 'warmup');
  const { version } = await withdraw(testApp, card, '0.01');
  await waitFor(
    async () => {
      const response = await testApp.api().get('/moneywithdrawals').query({ debitCardId: card });
      return (response.body as { version: number }[])[0]?.version === version ? true : undefined;
    },
    { description: "this app's projector to project a warm-up withdrawal", timeoutMs, intervalMs: 200 },
  );
}

export async function withdraw(
  testApp: TestApp,
  card: string,
  amount: string,
  requestId?: string,
): Promise<Receipt> {
  const call = testApp.api().post('/moneywithdrawals').send({ debitCard: card, amount });
  const response = await (requestId ? call.set('X-Request-Id', requestId) : call);
  if (response.status !== 202)
    throw new Error(`withdrawal failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Receipt;
}

export async function linesOf(db: Pool, cards: string[]): Promise<LineRow[]> {
  const [rows] = await db.query<LineRow[]>(
    'SELECT id, debit_card_id, CAST(version AS CHAR) AS version, amount FROM money_withdrawal WHERE debit_card_id IN (?)',
    [cards],
  );
  return rows;
}

export function cents(amount: string): bigint {
  const [units, fraction = ''] = amount.split('.');
  return BigInt(units) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/**
 * Waits until the pipeline is quiet, then checks exactly-once for the cards' accepted withdrawals: in
 * the read model, and in `ministatement` read by a kafkajs read_committed consumer from `since` (the
 * topic's end offsets when the test began: endOffsets('ministatement')).
 */
export async function expectExactlyOnce(
  db: Pool,
  cards: string[],
  accepted: Receipt[],
  since: Map<number, bigint>,
): Promise<void> {
  const expectedIds = accepted.map((receipt) => receipt.withdrawalId).sort();
  await waitFor(async () => ((await linesOf(db, cards)).length >= accepted.length ? true : undefined), {
    description: `${accepted.length} statement lines for ${cards.length} cards`,
    timeoutMs: 90_000,
  });
  await waitForProjectorCaughtUp(90_000);

  const lines = await linesOf(db, cards);
  expect(lines.map((line) => line.id).sort()).toEqual(expectedIds);
  for (const card of cards) {
    const mine = accepted.filter((receipt) => receipt.debitCardId === card);
    const versions = lines.filter((line) => line.debit_card_id === card).map((line) => Number(line.version));
    expect(versions.sort((a, b) => a - b)).toEqual(mine.map((_, index) => index + 1));
    const row = await readCardRow(db, card);
    const sum = lines
      .filter((line) => line.debit_card_id === card)
      .reduce((total, line) => total + cents(line.amount), 0n);
    expect({ card, sum: sum.toString() }).toEqual({ card, sum: cents(row?.used_limit ?? '0').toString() });
  }

  const messages = await ministatementOf(cards, since);
  expect(messages.map((message) => message.id).sort()).toEqual(expectedIds);
  for (const card of cards) {
    const versions = messages
      .filter((message) => message.debitCardId === card)
      .map((message) => message.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b)); // per-card order holds in the topic
  }
  for (const message of messages) {
    const receipt = accepted.find((candidate) => candidate.withdrawalId === message.id);
    expect({ amount: message.amount, amountMinor: message.amountMinor, version: message.version }).toEqual({
      amount: receipt?.amount,
      amountMinor: Number(cents(receipt?.amount ?? '0')),
      version: receipt?.version,
    });
  }
}

/** Sends withdrawals on every card, round after round, until stopped (bounded to `maxRounds`). */
export function startLoad(testApp: TestApp, cards: string[], amount: string, maxRounds = 600) {
  const accepted: Receipt[] = [];
  let stopped = false;
  const running = (async () => {
    for (let round = 0; round < maxRounds && !stopped; round += 1) {
      accepted.push(...(await Promise.all(cards.map((card) => withdraw(testApp, card, amount)))));
    }
  })();
  return {
    accepted,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
