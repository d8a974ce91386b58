// The database is up but cannot keep up: a row locked for too long, or every pooled connection busy
// and the pool's waiting queue full. Both are 503 with Retry-After, never a 500, and nothing commits.
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { Response } from 'supertest';
import { formatCents } from '../src/common/money';
import { loadAppConfig } from '../src/config/app-config';
import { startApp, TestApp } from './support/app';
import { createCard } from './support/cards';
import { openTestDb, readCardRow } from './support/db';
import { waitFor } from './support/wait-for';

describe('database overload (e2e)', () => {
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

  /** Locks the card's row from another session, as a long transaction elsewhere would. */
  async function lockCardRow(cardId: string): Promise<PoolConnection> {
    const blocker = await db.getConnection();
    await blocker.query('START TRANSACTION');
    await blocker.query('SELECT id FROM debit_card WHERE id = ? FOR UPDATE', [cardId]);
    return blocker;
  }

  async function unlock(blocker: PoolConnection): Promise<void> {
    await blocker.query('ROLLBACK');
    blocker.release();
  }

  function expectServiceUnavailable(response: Response): void {
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
  }

  it('answers 503 when the card row stays locked past the lock wait timeout', async () => {
    const cardId = await createCard(sut, '100.00');
    const blocker = await lockCardRow(cardId);
    let response: Response;
    try {
      response = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 1 });
    } finally {
      await unlock(blocker);
    }

    expectServiceUnavailable(response);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '0.00', version: '0' });
  }, 30_000);

  it('answers 503 at once when the pool and its queue are full, and commits only what it accepted', async () => {
    const { poolSize, poolQueueLimit } = loadAppConfig().database;
    const total = poolSize + poolQueueLimit + 20; // 20 more than the app can hold
    const cardId = await createCard(sut, '100.00');
    const blocker = await lockCardRow(cardId);

    let answered = 0;
    const pending = Array.from({ length: total }, async () => {
      const response = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 0.01 });
      answered++;
      return response;
    });
    try {
      // The overflow is refused without waiting for the lock; the rest waits behind it.
      await waitFor(() => (answered >= total - poolSize - poolQueueLimit ? true : undefined), {
        description: `${total - poolSize - poolQueueLimit} requests refused by the full pool queue`,
        timeoutMs: 4_000,
        intervalMs: 50,
      });
    } finally {
      await unlock(blocker);
    }
    const responses = await Promise.all(pending);

    const accepted = responses.filter((r) => r.status === 202);
    const unavailable = responses.filter((r) => r.status === 503);
    expect(accepted.length + unavailable.length).toBe(total);
    expect(unavailable.length).toBeGreaterThanOrEqual(total - poolSize - poolQueueLimit);
    unavailable.forEach(expectServiceUnavailable);
    // Exactly the accepted ones committed.
    const row = await readCardRow(db, cardId);
    expect(row).toMatchObject({ version: String(accepted.length) });
    expect(row?.used_limit).toBe(formatCents(BigInt(accepted.length)));
  }, 60_000);
});
