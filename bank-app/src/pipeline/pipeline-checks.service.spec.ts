import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ProjectorStats } from '../projector/projector.stats';
import { ConnectStatusClient, type ConnectorStatus } from './connect-status.client';
import { DruidSupervisorClient, type SupervisorStatus } from '../druid/druid-supervisor.client';
import { KafkaAdmin } from '../kafka/kafka-admin';
import { PipelineChecks, sumCounters } from './pipeline-checks.service';

const supervisorStatus = (state: string): SupervisorStatus => ({
  state,
  detailedState: state,
  healthy: state === 'RUNNING',
  suspended: state === 'SUSPENDED',
  aggregateLag: 3,
  lag: { '0': 1, '1': 1, '2': 1 },
  activeTasks: ['task-a'],
  publishingTasks: [],
  recentErrors: 0,
});

describe('PipelineChecks', () => {
  let sut: PipelineChecks;
  const dataSource = { query: jest.fn<Promise<unknown>, [string]>() };
  const kafka = { brokers: jest.fn<Promise<number>, []>(), groupLag: jest.fn() };
  const connect = { connectorStatus: jest.fn<Promise<ConnectorStatus>, []>() };
  const supervisor = { status: jest.fn<Promise<SupervisorStatus>, []>(), taskRowStats: jest.fn() };
  const stats = { running: true } as ProjectorStats;
  const config = { health: { checkTimeoutMs: 100 }, projector: { enabled: true, groupId: 'g' } };

  beforeEach(async () => {
    jest.resetAllMocks();
    stats.running = true;
    config.projector.enabled = true;
    const moduleRef = await Test.createTestingModule({
      providers: [
        PipelineChecks,
        { provide: AppConfig, useValue: config },
        { provide: DataSource, useValue: dataSource },
        { provide: KafkaAdmin, useValue: kafka },
        { provide: ConnectStatusClient, useValue: connect },
        { provide: DruidSupervisorClient, useValue: supervisor },
        { provide: ProjectorStats, useValue: stats },
      ],
    }).compile();
    sut = moduleRef.get(PipelineChecks);
  });

  it('reports a check that does not answer in time as down, within the timeout', async () => {
    dataSource.query.mockReturnValue(new Promise(() => undefined));

    const result = await sut.database();

    expect(result).toMatchObject({
      status: 'down',
      error: 'the database: the database did not answer within 100 ms',
    });
    expect(result.durationMs).toBeLessThan(1000);
  });

  it('reports a refused connection by its code only', async () => {
    kafka.brokers.mockRejectedValue(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9092'), { code: 'ECONNREFUSED' }),
    );

    await expect(sut.kafkaCluster()).resolves.toMatchObject({ status: 'down', error: 'Kafka: ECONNREFUSED' });
  });

  it.each<[string, 'up' | 'down', ConnectorStatus]>([
    ['running with a running task', 'up', { state: 'RUNNING', tasks: [{ id: 0, state: 'RUNNING' }] }],
    ['running without tasks', 'down', { state: 'RUNNING', tasks: [] }],
    ['running with a failed task', 'down', { state: 'RUNNING', tasks: [{ id: 0, state: 'FAILED' }] }],
    ['paused', 'down', { state: 'PAUSED', tasks: [{ id: 0, state: 'PAUSED' }] }],
  ])('judges a connector %s as %s', async (_label, expected, status) => {
    connect.connectorStatus.mockResolvedValue(status);

    await expect(sut.connector()).resolves.toMatchObject({ status: expected, state: status.state });
  });

  it.each([
    ['RUNNING', 'up'],
    ['SUSPENDED', 'down'],
    ['UNHEALTHY_TASKS', 'down'],
    ['PENDING', 'down'],
  ])('judges a supervisor in state %s as %s', async (state, expected) => {
    supervisor.status.mockResolvedValue(supervisorStatus(state));
    supervisor.taskRowStats.mockResolvedValue([]);

    await expect(sut.druidIngestion()).resolves.toMatchObject({ status: expected, state });
  });

  it('reports the projector lag without judging it', async () => {
    kafka.groupLag.mockResolvedValue([
      { partition: 0, committed: '5', end: '105', lag: 100 },
      { partition: 1, committed: '7', end: '7', lag: 0 },
    ]);

    await expect(sut.projector()).resolves.toMatchObject({ status: 'up', state: 'running', lag: 100 });
  });

  it('is down when the projector is enabled but not consuming, and up when disabled', async () => {
    kafka.groupLag.mockRejectedValue(new Error('no Kafka'));
    stats.running = false;
    await expect(sut.projector()).resolves.toMatchObject({ status: 'down', state: 'stopped' });

    config.projector.enabled = false;
    await expect(sut.projector()).resolves.toMatchObject({ status: 'up', state: 'disabled' });
  });

  it('shows the supervisor state, lag and summed row counters of its tasks', async () => {
    supervisor.status.mockResolvedValue(supervisorStatus('RUNNING'));
    const tasks = [
      { taskId: 'a', processed: 10, processedWithError: 0, unparseable: 2, thrownAway: 0 },
      { taskId: 'b', processed: 5, processedWithError: 1, unparseable: 0, thrownAway: 3 },
    ];
    supervisor.taskRowStats.mockResolvedValue(tasks);

    await expect(sut.druidIngestion()).resolves.toMatchObject({
      status: 'up',
      state: 'RUNNING',
      lag: { aggregate: 3, partitions: { '0': 1, '1': 1, '2': 1 } },
      ingestion: { processed: 15, processedWithError: 1, unparseable: 2, thrownAway: 3, tasks },
    });
  });
});

describe('sumCounters', () => {
  it('is all zeros without tasks', () => {
    expect(sumCounters([])).toEqual({ processed: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 });
  });
});
