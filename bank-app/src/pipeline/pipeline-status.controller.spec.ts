import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { controllerApp, validationProblem } from '../../test/support/controller-app';
import { AppConfig } from '../config/app-config';
import { ProjectorStats } from '../projector/projector.stats';
import { PipelineSnapshotService } from './pipeline-snapshot.service';
import { PipelineStatusController } from './pipeline-status.controller';

describe(PipelineStatusController.name, () => {
  let sut: NestFastifyApplication;
  const up = { status: 'up', durationMs: 1 };
  const lag = { lastMs: 12, maxMs: 40, samples: 20 };
  const lagMs = { newestSampleAt: null, debitCardTopic: lag, readModel: lag, ministatement: lag, druid: lag };
  const projectorLag = { events: 3, partitions: [{ partition: 0, committed: '7', end: '10', lag: 3 }] };
  const snapshot = { database: up, kafka: up, connector: up, projector: up, projectorLag, druid: up, lagMs };
  const snapshots = { take: jest.fn() };
  const stats = Object.assign(new ProjectorStats(), { eventsProcessed: 5, withdrawalsPublished: 4 });
  const config = { projector: { groupId: 'projector-group' } };

  beforeAll(async () => {
    sut = await controllerApp(PipelineStatusController, [
      { provide: PipelineSnapshotService, useValue: snapshots },
      { provide: AppConfig, useValue: config },
      { provide: ProjectorStats, useValue: stats },
    ]);
  });
  afterAll(() => sut.close());
  beforeEach(() => snapshots.take.mockReset().mockResolvedValue(snapshot));

  const get = (url: string) => sut.inject({ method: 'GET', url });

  it('GET /pipeline/status answers 200 with the hops in the order a withdrawal travels them', async () => {
    const response = await get('/pipeline/status');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'up',
      components: { database: up, kafka: up },
      hops: [
        { name: 'connector', to: 'Kafka topic debit_card', lagMs: { commitToDebitCardTopic: lag } },
        {
          name: 'projector',
          from: 'Kafka topic debit_card',
          consumerGroup: 'projector-group',
          lag: projectorLag,
          counters: { eventsProcessed: 5, withdrawalsPublished: 4 },
          lagMs: { commitToReadModel: lag, commitToMinistatement: lag },
        },
        { name: 'druid', supervisor: 'bankapp', lagMs: { publishedToDruid: lag } },
      ],
      lagMs,
    });
  });

  it('still answers 200 when a part is down, saying so in its status', async () => {
    const down = { status: 'down', durationMs: 2, error: 'Kafka: ECONNREFUSED' };
    snapshots.take.mockResolvedValue({ ...snapshot, kafka: down, projectorLag: undefined });

    const response = await get('/pipeline/status');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'down', components: { kafka: down } });
    expect(response.json<{ hops: object[] }>().hops[1]).not.toHaveProperty('lag');
  });

  it('refuses a query parameter it does not know, and takes no snapshot', async () => {
    const response = await get('/pipeline/status?verbose=1');

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(
      validationProblem([{ parameter: 'verbose', detail: 'is not an accepted query parameter' }]),
    );
    expect(snapshots.take).not.toHaveBeenCalled();
  });

  it('answers a route it does not have with a 404 problem', async () => {
    const response = await get('/pipeline/statuses');

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
