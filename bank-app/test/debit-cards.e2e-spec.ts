// POST /debitcards and GET /debitcards/:id against the real database.
import { startApp, TestApp } from './support/app';
import { uniqueCardId } from './support/cards';

describe('debit cards (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('creates a card with the given id and shows its write-side state', async () => {
    const id = uniqueCardId('card');

    const created = await sut.api().post('/debitcards').send({ id, initialLimit: 250.5 });
    const read = await sut.api().get(`/debitcards/${id}`);

    const expected = {
      id,
      initialLimit: '250.50',
      usedLimit: '0.00',
      availableBalance: '250.50',
      version: 0,
    };
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/debitcards/${id}`);
    expect(created.body).toEqual(expected);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(expected);
  });

  it('generates a uuid when no id is given', async () => {
    const created = await sut.api().post('/debitcards').send({ initialLimit: '1000000000000.00' });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ initialLimit: '1000000000000.00', version: 0 });
    expect((created.body as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a duplicate id with 409 and leaves the first card alone', async () => {
    const id = uniqueCardId('dup');
    await sut.api().post('/debitcards').send({ id, initialLimit: '10.00' });

    const duplicate = await sut.api().post('/debitcards').send({ id, initialLimit: '99.00' });
    const read = await sut.api().get(`/debitcards/${id}`);

    expect(duplicate.status).toBe(409);
    expect(duplicate.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(duplicate.body).toMatchObject({ type: '/problems/card-already-exists', status: 409 });
    expect(read.body).toMatchObject({ initialLimit: '10.00' });
  });

  it('treats ids as case-sensitive', async () => {
    const id = uniqueCardId('case').toLowerCase();
    await sut.api().post('/debitcards').send({ id, initialLimit: '1.00' });

    const upper = await sut.api().get(`/debitcards/${id.toUpperCase()}`);

    expect(upper.status).toBe(404);
  });

  it.each([
    ['a bad id', { id: 'not valid!', initialLimit: '1.00' }, '#/id'],
    ['an id over 36 characters', { id: 'x'.repeat(37), initialLimit: '1.00' }, '#/id'],
    ['a null id', { id: null, initialLimit: '1.00' }, '#/id'],
    ['a missing limit', {}, '#/initialLimit'],
    ['a zero limit', { initialLimit: 0 }, '#/initialLimit'],
    ['a negative limit', { initialLimit: '-1.00' }, '#/initialLimit'],
    ['three fraction digits', { initialLimit: '1.001' }, '#/initialLimit'],
    ['a limit above the maximum', { initialLimit: '1000000000000.01' }, '#/initialLimit'],
    ['an extra field', { initialLimit: '1.00', usedLimit: '0.00' }, '#/usedLimit'],
  ])('refuses %s with a validation problem', async (_label, body, pointer) => {
    const response = await sut.api().post('/debitcards').send(body);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: '/problems/validation-error',
      errors: [expect.objectContaining({ pointer })],
    });
  });

  it('answers 404 card-not-found for an unknown card and 400 for a malformed id', async () => {
    const unknown = await sut.api().get(`/debitcards/${uniqueCardId('nobody')}`);
    const malformed = await sut.api().get('/debitcards/bad$id');

    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ type: '/problems/card-not-found' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ parameter: 'id' }],
    });
  });

  it('has the seed card', async () => {
    const seed = await sut.api().get('/debitcards/123456789');

    expect(seed.status).toBe(200);
    expect(seed.body).toMatchObject({ id: '123456789', initialLimit: '10000.00' });
  });
});
