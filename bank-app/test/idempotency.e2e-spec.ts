// Idempotency-Key on POST /moneywithdrawals: a retry never withdraws twice and gets the first answer.
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { IdempotencyCleaner } from '../src/withdrawals/idempotency-cleaner.service';
import {
  IdempotencyService,
  lockNameFor,
  MAX_CONCURRENT_BATCHES,
} from '../src/withdrawals/idempotency.service';
import { startApp, TestApp } from './support/app';
import { createCard, uniqueCardId } from './support/cards';
import { openTestDb, readCardRow } from './support/db';
import { waitFor } from './support/wait-for';

describe('Idempotency-Key (e2e)', () => {
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

  const newKey = (): string => `test-${randomUUID()}`;

  function withdraw(key: string, body: object) {
    return sut.api().post('/moneywithdrawals').set('Idempotency-Key', key).send(body);
  }

  it('replays the first response to a sequential retry and withdraws once', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();

    const first = await withdraw(key, { debitCard: cardId, amount: 10 });
    const retry = await withdraw(key, { debitCard: cardId, amount: 10 });

    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The receipt, exactly (amounts as two-digit strings, version a number).
    expect(first.body).toEqual({
      withdrawalId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      debitCardId: cardId,
      amount: '10.00',
      availableBalance: '90.00',
      version: 1,
    });
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '10.00', version: '1' });
  });

  it('treats 10, 10.0 and "10.00" as the same request body', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();

    const first = await withdraw(key, { debitCard: cardId, amount: 10 });
    const asString = await withdraw(key, { debitCard: cardId, amount: '10.00' });

    expect(asString.status).toBe(202);
    expect(asString.body).toEqual(first.body);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '10.00', version: '1' });
  });

  it('withdraws once when the same request is sent many times at once', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();

    const responses = await Promise.all(
      Array.from({ length: 16 }, () => withdraw(key, { debitCard: cardId, amount: 5 })),
    );
    // Those that overlapped the first one were told "in flight" (409); a retry now gets the replay.
    const retry = await withdraw(key, { debitCard: cardId, amount: 5 });

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect(statuses).toContain(202);
    const accepted = responses.filter((r) => r.status === 202).map((r) => r.body as { withdrawalId: string });
    expect(new Set(accepted.map((b) => b.withdrawalId)).size).toBe(1);
    for (const conflict of responses.filter((r) => r.status === 409)) {
      expect(conflict.body).toMatchObject({ type: '/problems/idempotency-request-in-flight' });
    }
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(accepted[0]);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '5.00', version: '1' });
  });

  it('runs many requests with different keys at once without a deadlock or any other 5xx', async () => {
    // Guards the two-round-trip design: a read of idempotency_key inside the UPDATE would take gap
    // locks, and concurrent inserts of other keys would deadlock on them (503s under load); and the
    // batches' card locks: each batch takes all its cards' row locks in one read, in index order, so
    // two batches cannot deadlock on cards.
    // 64 at once: the keyed requests' queue holds 64 (DB_POOL_QUEUE_LIMIT's default) besides the
    // running batches, so none can be turned away as load (503) however slowly the database answers,
    // and any 5xx here is a real failure.
    const cards = await Promise.all(Array.from({ length: 8 }, () => createCard(sut, '1000.00')));
    const responses = await Promise.all(
      Array.from({ length: 64 }, (_, index) =>
        withdraw(newKey(), { debitCard: cards[index % cards.length], amount: 1 }),
      ),
    );

    expect(responses.map((r) => r.status).filter((status) => status !== 202)).toEqual([]);
    for (const card of cards) {
      expect(await readCardRow(db, card)).toMatchObject({ used_limit: '8.00', version: '8' });
    }
  });

  it('answers each request of a batch on its own: new ones withdraw once each, retries among them are replayed', async () => {
    // Keyed requests that arrive together share a transaction. A retry in it rolls that transaction
    // back (its work must not commit) and the others run again: each must still withdraw exactly
    // once, and each receipt must show its card right after its own withdrawal.
    const cards = await Promise.all(Array.from({ length: 3 }, () => createCard(sut, '1000.00')));
    const cardOf = (index: number): string => cards[index % cards.length];
    const firstKeys = Array.from({ length: 6 }, newKey);
    const firsts: Response[] = [];
    for (const [index, key] of firstKeys.entries()) {
      firsts.push(await withdraw(key, { debitCard: cardOf(index), amount: 1 }));
    }
    expect(firsts.map((r) => r.status)).toEqual(firstKeys.map(() => 202));

    // Make the requests queue up together: the running batches wait on a row lock held here.
    const blockedCard = await createCard(sut, '1000.00');
    const blocker = await db.getConnection();
    await blocker.query('START TRANSACTION');
    await blocker.query('SELECT id FROM debit_card WHERE id = ? FOR UPDATE', [blockedCard]);
    const service = sut.app.get(IdempotencyService);
    let blocked: Promise<Response[]>;
    let retries: Promise<Response[]>;
    let fresh: Promise<Response[]>;
    let sameKey: Promise<Response[]>;
    const newKeys = Array.from({ length: 42 }, newKey);
    const repeatedKey = newKey();
    const repeatedCard = await createCard(sut, '1000.00');
    try {
      blocked = Promise.all(
        Array.from({ length: MAX_CONCURRENT_BATCHES }, () =>
          withdraw(newKey(), { debitCard: blockedCard, amount: 1 }),
        ),
      );
      await waitFor(
        () => (service.waiting === 0 && service.running === MAX_CONCURRENT_BATCHES ? true : undefined),
        {
          description: 'every batch slot taken by a blocked withdrawal',
          timeoutMs: 4_000,
          intervalMs: 20,
        },
      );
      fresh = Promise.all(
        newKeys.map((key, index) => withdraw(key, { debitCard: cardOf(index), amount: 1 })),
      );
      retries = Promise.all(
        firstKeys.map((key, index) => withdraw(key, { debitCard: cardOf(index), amount: 1 })),
      );
      // One key four times: on one connection a second GET_LOCK of a name succeeds too, so these must
      // not share a batch.
      sameKey = Promise.all(
        [1, 2, 3, 4].map(() => withdraw(repeatedKey, { debitCard: repeatedCard, amount: 1 })),
      );
      await waitFor(() => (service.waiting === 52 ? true : undefined), {
        description: '52 requests waiting for a batch',
        timeoutMs: 4_000,
        intervalMs: 20,
      });
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }

    expect((await blocked).map((r) => r.status)).toEqual(Array(MAX_CONCURRENT_BATCHES).fill(202));
    (await retries).forEach((retry, index) => {
      expect(retry.status).toBe(202);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(firsts[index].body);
    });
    const freshResponses = await fresh;
    expect(freshResponses.map((r) => r.status)).toEqual(newKeys.map(() => 202));
    expect(freshResponses.filter((r) => r.headers['idempotent-replayed'] !== undefined)).toEqual([]);
    const repeated = await sameKey;
    expect(
      repeated.filter((r) => r.status === 202 && r.headers['idempotent-replayed'] === undefined),
    ).toHaveLength(1);
    expect(repeated.filter((r) => r.status !== 202 && r.status !== 409)).toEqual([]);
    expect(await readCardRow(db, repeatedCard)).toMatchObject({ used_limit: '1.00', version: '1' });
    for (const card of cards) {
      // 2 withdrawals before, 14 now: versions 1..16, one per receipt, each with the balance after it.
      const receipts = [...firsts, ...freshResponses]
        .map((r) => r.body as { debitCardId: string; version: number; availableBalance: string })
        .filter((receipt) => receipt.debitCardId === card)
        .sort((a, b) => a.version - b.version);
      expect(receipts.map((receipt) => receipt.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(receipts.map((receipt) => receipt.availableBalance)).toEqual(
        receipts.map((receipt) => `${1000 - receipt.version}.00`),
      );
      expect(await readCardRow(db, card)).toMatchObject({ used_limit: '16.00', version: '16' });
    }
  });

  it('answers 422 when the key is reused with a different body, and withdraws nothing', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();
    await withdraw(key, { debitCard: cardId, amount: 10 });

    const otherAmount = await withdraw(key, { debitCard: cardId, amount: 11 });
    const otherCard = await withdraw(key, { debitCard: await createCard(sut, '100.00'), amount: 10 });

    for (const response of [otherAmount, otherCard]) {
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: '/problems/idempotency-key-reused', status: 422 });
    }
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '10.00', version: '1' });
  });

  it('replays a business error too: a 404 stays a 404 for that key even once the card exists', async () => {
    const cardId = uniqueCardId('late');
    const key = newKey();

    const first = await withdraw(key, { debitCard: cardId, amount: 1 });
    await sut.api().post('/debitcards').send({ id: cardId, initialLimit: '10.00' });
    const retry = await withdraw(key, { debitCard: cardId, amount: 1 });

    expect(first.status).toBe(404);
    expect(first.body).toMatchObject({ type: '/problems/card-not-found' });
    expect(retry.status).toBe(404);
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '0.00', version: '0' });
  });

  it('replays an insufficient-funds 422 without trying again', async () => {
    const cardId = await createCard(sut, '5.00');
    const key = newKey();

    const first = await withdraw(key, { debitCard: cardId, amount: 6 });
    const retry = await withdraw(key, { debitCard: cardId, amount: 6 });

    expect(first.status).toBe(422);
    expect(first.body).toMatchObject({ type: '/problems/insufficient-funds' });
    expect(retry.status).toBe(422);
    expect(retry.body).toEqual(first.body);
  });

  it('answers 409 while another request holds the key, and proceeds once it is released', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();
    // Play "the first request, still in flight" deterministically: hold the key's lock from another
    // database session, exactly as a running request on another instance would.
    const other: PoolConnection = await db.getConnection();
    try {
      const [[{ acquired }]] = await other.query<({ acquired: number } & RowDataPacket)[]>(
        'SELECT GET_LOCK(?, 0) AS acquired',
        [lockNameFor(key)],
      );
      expect(acquired).toBe(1);

      const whileHeld = await withdraw(key, { debitCard: cardId, amount: 1 });

      expect(whileHeld.status).toBe(409);
      expect(whileHeld.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(whileHeld.body).toMatchObject({ type: '/problems/idempotency-request-in-flight', status: 409 });
      expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '0.00', version: '0' });
    } finally {
      await other.query('DO RELEASE_LOCK(?)', [lockNameFor(key)]);
      other.release();
    }

    const afterRelease = await withdraw(key, { debitCard: cardId, amount: 1 });

    expect(afterRelease.status).toBe(202);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '1.00', version: '1' });
  });

  it('never replays an expired key: the request runs again', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();
    const first = await withdraw(key, { debitCard: cardId, amount: 2 });
    await db.query(
      'UPDATE idempotency_key SET expires_at = CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE client_key = ?',
      [key],
    );

    const afterExpiry = await withdraw(key, { debitCard: cardId, amount: 2 });

    expect(afterExpiry.status).toBe(202);
    expect(afterExpiry.headers['idempotent-replayed']).toBeUndefined();
    expect((afterExpiry.body as { withdrawalId: string }).withdrawalId).not.toBe(
      (first.body as { withdrawalId: string }).withdrawalId,
    );
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '4.00', version: '2' });
  });

  it('the clean-up deletes expired keys and keeps live ones', async () => {
    const cardId = await createCard(sut, '100.00');
    const expired = newKey();
    const live = newKey();
    await withdraw(expired, { debitCard: cardId, amount: 1 });
    await withdraw(live, { debitCard: cardId, amount: 1 });
    await db.query(
      'UPDATE idempotency_key SET expires_at = CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE client_key = ?',
      [expired],
    );

    await sut.app.get(IdempotencyCleaner).cleanUp();

    const [rows] = await db.query<({ client_key: string } & RowDataPacket)[]>(
      'SELECT client_key FROM idempotency_key WHERE client_key IN (?, ?)',
      [expired, live],
    );
    expect(rows.map((row) => row.client_key)).toEqual([live]);
  });

  it('keeps keys case-sensitive and independent', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = newKey();

    const lower = await withdraw(key.toLowerCase(), { debitCard: cardId, amount: 1 });
    const upper = await withdraw(key.toUpperCase(), { debitCard: cardId, amount: 1 });

    expect(lower.status).toBe(202);
    expect(upper.status).toBe(202);
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '2.00', version: '2' });
  });

  // The command side sends several statements per round trip; a key that looks like SQL must stay data.
  it('stores a key made of SQL verbatim and runs none of it', async () => {
    const cardId = await createCard(sut, '100.00');
    const key = `x'; UPDATE debit_card SET used_limit = 0; -- ${randomUUID()} "); DROP TABLE idempotency_key; #\\`;

    const first = await withdraw(key, { debitCard: cardId, amount: 3 });
    const second = await withdraw(key, { debitCard: cardId, amount: 3 });

    expect(first.status).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await readCardRow(db, cardId)).toMatchObject({ used_limit: '3.00', version: '1' });
    const [rows] = await db.query<RowDataPacket[]>(
      'SELECT client_key FROM idempotency_key WHERE client_key = ?',
      [key],
    );
    expect(rows.map((row) => row.client_key as string)).toEqual([key]);
  });
});
