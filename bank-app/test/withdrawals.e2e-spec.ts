// POST /moneywithdrawals: the happy path, then every way a request can be wrong. A refused request
// must leave the card exactly as it was (same used_limit, same version).
import type { Pool } from 'mysql2/promise';
import { startApp, TestApp } from './support/app';
import { createCard, uniqueCardId } from './support/cards';
import { openTestDb, readCardRow } from './support/db';
import { anyString, stringMatching } from './support/matchers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /moneywithdrawals (e2e)', () => {
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

  describe('a valid withdrawal', () => {
    it('answers 202 with the receipt and moves the card by exactly the amount and one version', async () => {
      const cardId = await createCard(sut, '100.00');

      const response = await sut
        .api()
        .post('/moneywithdrawals')
        .set('X-Request-Id', 'happy-path-1')
        .send({ debitCard: cardId, amount: 10.25 });
      const card = await sut.api().get(`/debitcards/${cardId}`);

      expect(response.status).toBe(202);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        withdrawalId: stringMatching(UUID),
        debitCardId: cardId,
        amount: '10.25',
        availableBalance: '89.75',
        version: 1,
      });
      expect(card.body).toEqual({
        id: cardId,
        initialLimit: '100.00',
        usedLimit: '10.25',
        availableBalance: '89.75',
        version: 1,
      });
    });

    it('records the withdrawal id, the request id and the time on the card row (for the change event)', async () => {
      const cardId = await createCard(sut, '100.00');
      const before = Date.now();

      const response = await sut
        .api()
        .post('/moneywithdrawals')
        .set('X-Request-Id', 'req-travels-through-binlog')
        .send({ debitCard: cardId, amount: '1.00' });
      const row = await readCardRow(db, cardId);

      expect(response.status).toBe(202);
      expect(row).toMatchObject({
        used_limit: '1.00',
        version: '1',
        last_withdrawal_id: (response.body as { withdrawalId: string }).withdrawalId,
        last_request_id: 'req-travels-through-binlog',
      });
      // Database clock vs test clock: same machine, so within a few seconds.
      expect(Math.abs((row?.last_withdrawn_at?.getTime() ?? 0) - before)).toBeLessThan(5000);
    });

    it('accepts the amount as a decimal string and the exact maximum', async () => {
      const cardId = await createCard(sut, '2000000000.00');

      const asString = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: '0.01' });
      const maximum = await sut
        .api()
        .post('/moneywithdrawals')
        .send({ debitCard: cardId, amount: 1000000000 });

      expect(asString.status).toBe(202);
      expect(asString.body).toMatchObject({ amount: '0.01', version: 1 });
      expect(maximum.status).toBe(202);
      expect(maximum.body).toMatchObject({
        amount: '1000000000.00',
        availableBalance: '999999999.99',
        version: 2,
      });
    });

    it('withdraws the whole available balance, then refuses one cent more with 422', async () => {
      const cardId = await createCard(sut, '50.00');

      const all = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 50 });
      const oneMore = await sut.api().post('/moneywithdrawals').send({ debitCard: cardId, amount: 0.01 });
      const row = await readCardRow(db, cardId);

      expect(all.status).toBe(202);
      expect(all.body).toMatchObject({ availableBalance: '0.00', version: 1 });
      expect(oneMore.status).toBe(422);
      expect(oneMore.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(oneMore.body).toMatchObject({ type: '/problems/insufficient-funds', status: 422 });
      expect(row).toMatchObject({ used_limit: '50.00', version: '1' });
    });
  });

  describe('a refused request leaves the card unchanged', () => {
    interface BadRequestCase {
      name: string;
      /** A JSON value to send, or raw text (sent as is, for malformed JSON and 1e309). */
      body: (cardId: string) => unknown;
      raw?: boolean;
      contentType?: string;
      headers?: Record<string, string>;
      status: number;
      type: string;
    }

    const json = (amount: unknown) => (cardId: string) => ({ debitCard: cardId, amount });
    const rawText = (text: string) => (cardId: string) => text.replace('CARD', cardId);

    const cases: BadRequestCase[] = [
      {
        name: 'malformed JSON',
        body: rawText('{"debitCard":"CARD","amount":'),
        raw: true,
        status: 400,
        type: '/problems/malformed-json',
      },
      {
        name: 'an empty JSON body',
        body: rawText(''),
        raw: true,
        status: 400,
        type: '/problems/malformed-json',
      },
      {
        // I-JSON (RFC 7493): JSON.parse would keep the last one and withdraw 5.00.
        name: 'a repeated member name',
        body: rawText('{"debitCard":"CARD","amount":"0.10","amount":"5"}'),
        raw: true,
        status: 400,
        type: '/problems/validation-error',
      },
      {
        name: 'a text/plain body',
        body: rawText('{"debitCard":"CARD","amount":1}'),
        raw: true,
        contentType: 'text/plain',
        status: 415,
        type: '/problems/unsupported-media-type',
      },
      {
        name: 'a form body',
        body: rawText('debitCard=CARD&amount=1'),
        raw: true,
        contentType: 'application/x-www-form-urlencoded',
        status: 415,
        type: '/problems/unsupported-media-type',
      },
      {
        name: 'a missing amount',
        body: (cardId) => ({ debitCard: cardId }),
        status: 400,
        type: '/problems/validation-error',
      },
      { name: 'a null amount', body: json(null), status: 400, type: '/problems/validation-error' },
      { name: 'an array amount', body: json([10]), status: 400, type: '/problems/validation-error' },
      {
        name: 'an object amount',
        body: json({ value: 10 }),
        status: 400,
        type: '/problems/validation-error',
      },
      { name: 'a boolean amount', body: json(true), status: 400, type: '/problems/validation-error' },
      {
        name: 'a non-numeric string amount',
        body: json('ten'),
        status: 400,
        type: '/problems/validation-error',
      },
      { name: 'a NaN string amount', body: json('NaN'), status: 400, type: '/problems/validation-error' },
      {
        name: 'an exponent string amount',
        body: json('1e2'),
        status: 400,
        type: '/problems/validation-error',
      },
      { name: 'a zero amount', body: json(0), status: 400, type: '/problems/validation-error' },
      { name: 'a negative amount', body: json(-10), status: 400, type: '/problems/validation-error' },
      {
        name: 'a negative string amount',
        body: json('-10.00'),
        status: 400,
        type: '/problems/validation-error',
      },
      { name: 'an amount of 0.001', body: json(0.001), status: 400, type: '/problems/validation-error' },
      { name: 'an amount of 1.005', body: json(1.005), status: 400, type: '/problems/validation-error' },
      {
        name: 'an amount of 1e309 (Infinity once parsed)',
        body: rawText('{"debitCard":"CARD","amount":1e309}'),
        raw: true,
        status: 400,
        type: '/problems/validation-error',
      },
      {
        name: 'an amount above the maximum',
        body: json(1000000000.01),
        status: 400,
        type: '/problems/validation-error',
      },
      {
        name: 'an extra usedLimit field',
        body: (cardId) => ({ debitCard: cardId, amount: 1, usedLimit: 0 }),
        status: 400,
        type: '/problems/validation-error',
      },
      {
        name: 'an extra id field',
        body: (cardId) => ({ debitCard: cardId, amount: 1, id: 'mine' }),
        status: 400,
        type: '/problems/validation-error',
      },
      {
        name: 'a JSON array body',
        body: (cardId) => [{ debitCard: cardId, amount: 1 }],
        status: 400,
        type: '/problems/validation-error',
      },
      {
        name: 'a body over 16 KiB',
        body: (cardId) => ({ debitCard: cardId, amount: 1, padding: 'x'.repeat(17 * 1024) }),
        status: 413,
        type: '/problems/payload-too-large',
      },
      {
        name: 'an Idempotency-Key over 255 characters',
        body: json(1),
        headers: { 'Idempotency-Key': 'k'.repeat(256) },
        status: 400,
        type: '/problems/validation-error',
      },
    ];

    it.each(cases)('$name → $status $type', async ({ body, raw, contentType, headers, status, type }) => {
      const cardId = await createCard(sut, '100.00');
      const before = await readCardRow(db, cardId);

      const payload = body(cardId);
      const response = await sut
        .api()
        .post('/moneywithdrawals')
        .set(headers ?? {})
        .set('Content-Type', contentType ?? 'application/json')
        .send(raw ? (payload as string) : JSON.stringify(payload));

      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type,
        status,
        title: anyString(),
        detail: anyString(),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+|SELECT|UPDATE|INSERT/);
      expect(await readCardRow(db, cardId)).toEqual(before);
    });

    it.each([
      ['a card id with forbidden characters', 'not a card!', 400, '/problems/validation-error'],
      ['a card id over 36 characters', 'x'.repeat(37), 400, '/problems/validation-error'],
      ['an empty card id', '', 400, '/problems/validation-error'],
      ['a numeric card id', 123456789, 400, '/problems/validation-error'],
      ['an unknown card', uniqueCardId('unknown'), 404, '/problems/card-not-found'],
    ])('%s → %i %s', async (_label, debitCard, status, type) => {
      const response = await sut.api().post('/moneywithdrawals').send({ debitCard, amount: 1 });

      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type, status });
    });

    it('lists each invalid field in `errors` with a JSON pointer', async () => {
      const response = await sut
        .api()
        .post('/moneywithdrawals')
        .send({ debitCard: 'bad id', amount: '1.005', usedLimit: 0 });

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        type: '/problems/validation-error',
        title: 'Invalid request',
        status: 400,
        detail: anyString(),
        errors: [
          { pointer: '#/usedLimit', detail: anyString() },
          { pointer: '#/debitCard', detail: anyString() },
          { pointer: '#/amount', detail: anyString() },
        ],
      });
    });
  });
});
