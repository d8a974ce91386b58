import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { HealthController } from './health.controller';
import { PipelineSnapshotService } from './pipeline-snapshot.service';

describe(HealthController.name, () => {
  let sut: NestFastifyApplication;
  const up = { status: 'up', durationMs: 1 };
  const lag = { lastMs: null, maxMs: null, samples: 0, note: 'no samples' };
  const lagMs = { newestSampleAt: null, debitCardTopic: lag, readModel: lag, ministatement: lag, druid: lag };
  const snapshot = { database: up, kafka: up, connector: up, druid: up, projector: up, lagMs };
  const snapshots = { take: jest.fn() };

  beforeAll(async () => {
    sut = await controllerApp(HealthController, [{ provide: PipelineSnapshotService, useValue: snapshots }]);
  });
  afterAll(() => sut.close());
  beforeEach(() => snapshots.take.mockReset().mockResolvedValue(snapshot));

  it('GET /health answers 200 ok, and refuses a query parameter it does not know', async () => {
    const live = await sut.inject({ method: 'GET', url: '/health' });
    const withQuery = await sut.inject({ method: 'GET', url: '/health?verbose=1' });

    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    expect(withQuery.statusCode).toBe(400);
    expect(withQuery.json()).toEqual(
      validationProblem([{ parameter: 'verbose', detail: 'is not an accepted query parameter' }]),
    );
  });

  it('GET /health/ready answers 200 when every check is up', async () => {
    const response = await sut.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ready',
      checks: { database: up, kafka: up, connector: up, supervisor: up, projector: up },
      lagMs,
    });
  });

  it('GET /health/ready answers a 503 problem naming what is down', async () => {
    const down = { status: 'down', durationMs: 2, error: 'connector is FAILED' };
    snapshots.take.mockResolvedValue({ ...snapshot, connector: down });

    const response = await sut.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({
      type: '/problems/not-ready',
      status: 503,
      detail: 'Not ready: connector is down.',
      checks: { connector: down },
    });
  });
});
