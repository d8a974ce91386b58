import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { ObservabilityController } from './observability.controller';
import { ReconcileService } from './reconcile.service';
import { TraceService } from './trace.service';

describe(ObservabilityController.name, () => {
  let sut: NestFastifyApplication;
  const traces = { trace: jest.fn() };
  const reconciliation = { reconcile: jest.fn() };
  const withdrawalId = '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c';

  beforeAll(async () => {
    sut = await controllerApp(ObservabilityController, [
      { provide: TraceService, useValue: traces },
      { provide: ReconcileService, useValue: reconciliation },
    ]);
  });
  afterAll(() => sut.close());
  beforeEach(() => {
    traces.trace.mockReset().mockResolvedValue({ query: {}, withdrawals: [] });
    reconciliation.reconcile.mockReset().mockResolvedValue({
      generatedAt: '2026-11-23T12:00:00.000Z',
      consistent: true,
      druidAvailable: true,
      cards: [],
    });
  });

  const get = (url: string) => sut.inject({ method: 'GET', url });

  it('GET /pipeline/trace takes a request id or a withdrawal id', async () => {
    expect((await get('/pipeline/trace?requestId=abc-1:2')).statusCode).toBe(200);
    expect(traces.trace).toHaveBeenLastCalledWith({ requestId: 'abc-1:2' });
    expect((await get(`/pipeline/trace?withdrawalId=${withdrawalId}`)).statusCode).toBe(200);
    expect(traces.trace).toHaveBeenLastCalledWith({ withdrawalId });
  });

  it('GET /pipeline/reconcile defaults to every card, bounded', async () => {
    expect((await get('/pipeline/reconcile')).statusCode).toBe(200);
    expect(reconciliation.reconcile).toHaveBeenLastCalledWith({ limit: 50 });
    await get('/pipeline/reconcile?debitCardId=card-1&limit=200');
    expect(reconciliation.reconcile).toHaveBeenLastCalledWith({ debitCardId: 'card-1', limit: 200 });
  });

  it.each([
    ['/pipeline/trace', ['requestId']],
    [`/pipeline/trace?requestId=a&withdrawalId=${withdrawalId}`, ['requestId']],
    ["/pipeline/trace?requestId=a'%20OR%201=1", ['requestId']],
    [`/pipeline/trace?requestId=${'x'.repeat(65)}`, ['requestId']],
    ['/pipeline/trace?requestId=a&requestId=b', ['requestId']],
    ['/pipeline/trace?withdrawalId=not-a-uuid', ['withdrawalId']],
    ['/pipeline/trace?requestId=a&extra=1', ['extra']],
    ['/pipeline/reconcile?debitCardId=a%20b', ['debitCardId']],
    ['/pipeline/reconcile?limit=0', ['limit']],
    ['/pipeline/reconcile?limit=201', ['limit']],
    ['/pipeline/reconcile?limit=1e2', ['limit']],
    ['/pipeline/reconcile?x=1', ['x']],
  ])('refuses %s with a 400 problem and never calls the service', async (url, parameters) => {
    const response = await get(url);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(
      validationProblem(
        parameters.map((parameter) => ({ parameter, detail: expect.any(String) as unknown })),
      ),
    );
    expect(traces.trace).not.toHaveBeenCalled();
    expect(reconciliation.reconcile).not.toHaveBeenCalled();
  });
});
