// The database goes away under a running app: requests get 503 with Retry-After (never a 500, never a
// 202 for a write that did not commit), and the app recovers by itself once the database is back.
// Stops the real MariaDB through the stack CLI, so the root runs jest in band.
import type { Response } from 'supertest';
import { startApp, TestApp } from './support/app';
import { createCard } from './support/cards';
import { startDatabase, stopDatabase } from './support/stack';
import { waitFor } from './support/wait-for';
import { anyString } from './support/matchers';

describe('database outage (e2e)', () => {
  let sut: TestApp;
  let databaseStopped = false;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    // Whatever happened above, leave the database running for the specs that follow.
    if (databaseStopped) await startDatabase();
    await sut.close();
  });

  function expectServiceUnavailable(response: Response): void {
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual({
      type: '/problems/service-unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: anyString(),
    });
  }

  it('answers 503 with Retry-After while MariaDB is down and recovers when it is back', async () => {
    const cardId = await createCard(sut, '100.00');
    const before = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 1 });
    expect(before.status).toBe(202);

    await stopDatabase();
    databaseStopped = true;

    const withdrawal = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 1 });
    const keyed = await sut
      .api()
      .post('/moneywithdrawals')
      .set('Idempotency-Key', `outage-${cardId}`)
      .send({ debitCard: cardId, amount: 1 });
    const read = await sut.api().get(`/debitcards/${cardId}`);
    const liveness = await sut.api().get('/health');

    expectServiceUnavailable(withdrawal);
    expectServiceUnavailable(keyed);
    expectServiceUnavailable(read);
    expect(liveness.status).toBe(200); // the process itself is fine

    await startDatabase();
    databaseStopped = false;

    // The pool dropped its dead connections and opens new ones: no restart of the app.
    const recovered = await waitFor(
      async () => {
        const response = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 1 });
        if (response.status === 503) return undefined;
        return response;
      },
      { description: 'a withdrawal to succeed after MariaDB restarted', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(recovered.status).toBe(202);
    // Exactly the two accepted withdrawals: none of the 503s committed.
    expect(recovered.body).toMatchObject({ availableBalance: '98.00', version: 2 });

    // The keyed request that got a 503 stored nothing: its retry now runs for real.
    const keyedRetry = await sut
      .api()
      .post('/moneywithdrawals')
      .set('Idempotency-Key', `outage-${cardId}`)
      .send({ debitCard: cardId, amount: 1 });
    expect(keyedRetry.status).toBe(202);
    expect(keyedRetry.headers['idempotent-replayed']).toBeUndefined();
    expect(keyedRetry.body).toMatchObject({ availableBalance: '97.00', version: 3 });
  }, 180_000);
});
