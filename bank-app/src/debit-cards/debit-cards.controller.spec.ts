import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { DomainError } from '../common/domain-error';
import { DebitCardsController } from './debit-cards.controller';
import { DebitCardsService } from './debit-cards.service';

describe(DebitCardsController.name, () => {
  let sut: NestFastifyApplication;
  const cards = { create: jest.fn(), get: jest.fn() };
  const card = {
    id: 'alice-1',
    initialLimit: '500.00',
    usedLimit: '0.00',
    availableBalance: '500.00',
    version: 0,
  };

  beforeAll(async () => {
    sut = await controllerApp(DebitCardsController, [{ provide: DebitCardsService, useValue: cards }]);
  });
  afterAll(() => sut.close());
  beforeEach(() => {
    cards.create.mockReset().mockResolvedValue(card);
    cards.get.mockReset().mockResolvedValue(card);
  });

  describe('POST /debitcards', () => {
    it('answers 201 with the card and its Location, the limit in cents', async () => {
      const response = await sut.inject({
        method: 'POST',
        url: '/debitcards',
        payload: { id: 'alice-1', initialLimit: '500.00' },
      });

      expect(response.statusCode).toBe(201);
      expect(response.headers.location).toBe('/debitcards/alice-1');
      expect(response.json()).toEqual(card);
      expect(cards.create).toHaveBeenCalledWith({ id: 'alice-1', initialLimitCents: 50000n });
    });

    it('makes a uuid when the id is absent', async () => {
      await sut.inject({ method: 'POST', url: '/debitcards', payload: { initialLimit: 1 } });

      expect(cards.create).toHaveBeenCalledWith({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        initialLimitCents: 100n,
      });
    });

    it.each([
      ['a bad id', { id: 'not valid!', initialLimit: '1.00' }, ['#/id']],
      ['a null id', { id: null, initialLimit: '1.00' }, ['#/id']],
      ['a missing limit', {}, ['#/initialLimit']],
      ['three fraction digits', { initialLimit: '1.001' }, ['#/initialLimit']],
      ['a limit above the maximum', { initialLimit: '1000000000000.01' }, ['#/initialLimit']],
      ['an extra field', { initialLimit: '1.00', usedLimit: '0.00' }, ['#/usedLimit']],
    ])('refuses %s with a 400 problem and never calls the service', async (_label, payload, pointers) => {
      const response = await sut.inject({ method: 'POST', url: '/debitcards', payload });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toEqual(
        validationProblem(pointers.map((pointer) => ({ pointer, detail: expect.any(String) as unknown }))),
      );
      expect(cards.create).not.toHaveBeenCalled();
    });

    it('answers 409 when the id is taken', async () => {
      cards.create.mockRejectedValue(new DomainError('CARD_ALREADY_EXISTS', 'taken'));

      const response = await sut.inject({
        method: 'POST',
        url: '/debitcards',
        payload: { id: 'a', initialLimit: 1 },
      });

      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ type: '/problems/card-already-exists' });
    });
  });

  describe('GET /debitcards/:id', () => {
    it('answers 200 with the card', async () => {
      const response = await sut.inject({ method: 'GET', url: '/debitcards/alice-1' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(card);
      expect(cards.get).toHaveBeenCalledWith('alice-1');
    });

    it('refuses a malformed id by its parameter name', async () => {
      const response = await sut.inject({ method: 'GET', url: '/debitcards/bad$id' });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(
        validationProblem([{ parameter: 'id', detail: 'must be 1 to 36 letters, digits or "-"' }]),
      );
      expect(cards.get).not.toHaveBeenCalled();
    });

    it('answers 404 for an unknown card', async () => {
      cards.get.mockRejectedValue(new DomainError('CARD_NOT_FOUND', 'no such card'));

      const response = await sut.inject({ method: 'GET', url: '/debitcards/nobody' });

      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ type: '/problems/card-not-found' });
    });
  });
});
