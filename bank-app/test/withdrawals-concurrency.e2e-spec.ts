// Concurrent withdrawals: the conditional UPDATE must never overdraw a card and never lose an update.
import type { Pool } from 'mysql2/promise';
import { decimalToCents, formatCents } from '../src/common/money';
import { startApp, TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb, readCardRow } from './support/db';

interface WithdrawalResult {
  cardId: string;
  cents: bigint;
  status: number;
  version?: number;
}

/** Runs `tasks` with at most `limit` in flight (stays inside the app's pool queue, so no 503). */
async function runWithConcurrency<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with the same amounts. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('concurrent withdrawals (e2e)', () => {
  let sut: TestApp;
  let db: Pool;

  beforeAll(async () => {
    sut = await startApp();
    db = openTestDb();
  });

  afterAll(async () => {
    await sut.close();
    await db.end();
  });

  async function withdraw(cardId: string, cents: bigint): Promise<WithdrawalResult> {
    const response = await sut
      .api()
      .post('/moneywithdrawals')
      .send({ debitCard: cardId, amount: formatCents(cents) });
    const body = response.body as { version?: number };
    return { cardId, cents, status: response.status, version: body.version };
  }

  it('64 simultaneous withdrawals on a card with room for exactly 20: 20 accepted, 44 refused, no overdraft', async () => {
    const room = 20;
    const cardId = await createCard(sut, '20.00');

    const results = await Promise.all(Array.from({ length: 64 }, () => withdraw(cardId, 100n)));

    const accepted = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 422);
    expect(accepted).toHaveLength(room);
    expect(refused).toHaveLength(64 - room);
    // Every accepted withdrawal got its own version: 1..20, none lost, none repeated.
    expect(accepted.map((r) => r.version).sort((a = 0, b = 0) => a - b)).toEqual(
      Array.from({ length: room }, (_, i) => i + 1),
    );
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '20.00', version: String(room) });
  });

  it('many cards with random amounts: the accepted amounts add up exactly to each used limit', async () => {
    const random = seededRandom(20241123);
    const cardIds = await Promise.all(Array.from({ length: 8 }, () => createCard(sut, '150.00', 'money')));
    // 240 withdrawals of 0.01 to 30.00: about twice what the cards hold, so many are refused.
    const tasks = Array.from({ length: 240 }, () => {
      const cardId = cardIds[Math.floor(random() * cardIds.length)];
      const cents = BigInt(1 + Math.floor(random() * 3000));
      return () => withdraw(cardId, cents);
    });

    const results = await runWithConcurrency(tasks, 32);

    expect(results.filter((r) => r.status !== 202 && r.status !== 422)).toEqual([]);
    for (const cardId of cardIds) {
      const accepted = results.filter((r) => r.cardId === cardId && r.status === 202);
      const acceptedCents = accepted.reduce((sum, r) => sum + r.cents, 0n);
      const row = await readCardRow(db, cardId);
      expect({
        cardId,
        used: decimalToCents(row?.used_limit ?? 'missing'),
        version: Number(row?.version),
      }).toEqual({
        cardId,
        used: acceptedCents,
        version: accepted.length,
      });
      expect(acceptedCents).toBeLessThanOrEqual(15000n);
    }
  });
});
