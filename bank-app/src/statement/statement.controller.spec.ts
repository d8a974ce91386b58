import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { StatementController } from './statement.controller';
import { StatementService } from './statement.service';

describe(StatementController.name, () => {
  let sut: NestFastifyApplication;
  const statements = { statement: jest.fn(), waitForVersion: jest.fn() };
  const line = {
    id: '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c',
    debitCardId: '123456789',
    amount: '10.00',
    transactionDate: '2026-11-23T12:00:00.123Z',
    version: 1,
    requestId: null,
  };

  beforeAll(async () => {
    sut = await controllerApp(StatementController, [{ provide: StatementService, useValue: statements }]);
  });
  afterAll(() => sut.close());
  beforeEach(() => {
    statements.statement.mockReset().mockResolvedValue([line]);
    statements.waitForVersion.mockReset().mockResolvedValue(true);
  });

  const get = (query: string) => sut.inject({ method: 'GET', url: `/moneywithdrawals?${query}` });

  it('answers 200 with the lines, 100 at most by default', async () => {
    const response = await get('debitCardId=123456789');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([line]);
    expect(statements.statement).toHaveBeenCalledWith('123456789', 100);
    expect(statements.waitForVersion).not.toHaveBeenCalled();
  });

  it('waits for minVersion and says when the read model is behind', async () => {
    statements.waitForVersion.mockResolvedValue(false);

    const response = await get('debitCardId=123456789&limit=1000&minVersion=7');

    expect(statements.waitForVersion).toHaveBeenCalledWith('123456789', 7);
    expect(statements.statement).toHaveBeenCalledWith('123456789', 1000);
    expect(response.headers['x-read-model-behind']).toBe('true');
  });

  it.each([
    ['a missing card id', '', ['debitCardId']],
    ['a bad card id', 'debitCardId=a%20b', ['debitCardId']],
    ['limit 0', 'debitCardId=1&limit=0', ['limit']],
    ['limit 1001', 'debitCardId=1&limit=1001', ['limit']],
    ['a negative minVersion', 'debitCardId=1&minVersion=-1', ['minVersion']],
    ['a fractional minVersion', 'debitCardId=1&minVersion=1.5', ['minVersion']],
    ['an unknown parameter, listed first', 'limit=x&card=1', ['card', 'debitCardId', 'limit']],
  ])('refuses %s with a 400 problem and never calls the service', async (_label, query, parameters) => {
    const response = await get(query);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(
      validationProblem(
        parameters.map((parameter) => ({ parameter, detail: expect.any(String) as unknown })),
      ),
    );
    expect(statements.statement).not.toHaveBeenCalled();
  });
});
