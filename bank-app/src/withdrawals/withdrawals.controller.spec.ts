import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { WithdrawalsController } from './withdrawals.controller';
import { WithdrawalsService } from './withdrawals.service';

describe(WithdrawalsController.name, () => {
  let sut: NestFastifyApplication;
  const withdrawals = { withdraw: jest.fn() };
  const receipt = {
    withdrawalId: '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c',
    debitCardId: '123456789',
    amount: '10.00',
    availableBalance: '9990.00',
    version: 1,
  };

  beforeAll(async () => {
    sut = await controllerApp(WithdrawalsController, [
      { provide: WithdrawalsService, useValue: withdrawals },
    ]);
  });
  afterAll(() => sut.close());
  beforeEach(() => {
    withdrawals.withdraw.mockReset().mockResolvedValue({ status: 202, body: receipt, replayed: false });
  });

  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    sut.inject({
      method: 'POST',
      url: '/moneywithdrawals',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  describe('POST /moneywithdrawals', () => {
    it('hands the service the card and the amount in cents, and answers 202 with the receipt', async () => {
      const response = await post({ debitCard: '123456789', amount: 10 }, { 'idempotency-key': 'k-1' });

      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual(receipt);
      expect(withdrawals.withdraw).toHaveBeenCalledWith(
        { debitCardId: '123456789', amountCents: 1000n },
        expect.any(String),
        'k-1',
      );
    });

    it('replays a stored answer with its status, as a problem when it is one', async () => {
      const problem = {
        type: '/problems/insufficient-funds',
        title: 'Insufficient funds',
        status: 422,
        detail: 'x',
      };
      withdrawals.withdraw.mockResolvedValue({ status: 422, body: problem, replayed: true });

      const response = await post({ debitCard: '123456789', amount: '1.00' }, { 'idempotency-key': 'k-2' });

      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['idempotent-replayed']).toBe('true');
      expect(response.json()).toEqual(problem);
    });

    it.each([
      [
        'an unknown field and two bad ones',
        { debitCard: 'bad id', amount: '1.005', usedLimit: 0 },
        ['#/usedLimit', '#/debitCard', '#/amount'],
      ],
      ['a missing amount', { debitCard: '1' }, ['#/amount']],
      ['an amount of 0.001', { debitCard: '1', amount: 0.001 }, ['#/amount']],
      ['an amount above the maximum', { debitCard: '1', amount: 1000000000.01 }, ['#/amount']],
      ['a numeric card id', { debitCard: 123456789, amount: 1 }, ['#/debitCard']],
      ['an array body', [{ debitCard: '1', amount: 1 }], ['#']],
      ['a repeated member', '{"debitCard":"123456789","amount":"0.10","amount":"5"}', ['#/amount']],
    ])('refuses %s with a 400 problem and never calls the service', async (_label, payload, pointers) => {
      const response = await post(payload);

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toEqual(
        validationProblem(pointers.map((pointer) => ({ pointer, detail: expect.any(String) as unknown }))),
      );
      expect(withdrawals.withdraw).not.toHaveBeenCalled();
    });

    it('refuses an Idempotency-Key over 255 characters, naming the header', async () => {
      const response = await post({ debitCard: '1', amount: 1 }, { 'idempotency-key': 'k'.repeat(256) });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(
        validationProblem([{ header: 'Idempotency-Key', detail: 'must be 1 to 255 characters' }]),
      );
      expect(withdrawals.withdraw).not.toHaveBeenCalled();
    });

    it.each([
      ['malformed JSON', 400, '/problems/malformed-json', 'application/json', '{"debitCard":'],
      [
        'a __proto__ member',
        400,
        '/problems/malformed-json',
        'application/json',
        '{"debitCard":"1","amount":1,"__proto__":{"x":1}}',
      ],
      ['a text body', 415, '/problems/unsupported-media-type', 'text/plain', 'hello'],
      [
        'a body over 16 KiB',
        413,
        '/problems/payload-too-large',
        'application/json',
        JSON.stringify({ padding: 'x'.repeat(17 * 1024) }),
      ],
    ])('answers %s with %i %s', async (_label, status, type, contentType, payload) => {
      const response = await sut.inject({
        method: 'POST',
        url: '/moneywithdrawals',
        headers: { 'content-type': contentType },
        payload,
      });

      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ type, status });
      expect(withdrawals.withdraw).not.toHaveBeenCalled();
    });
  });
});
