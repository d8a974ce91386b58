// The checks behind GET /health/ready and GET /pipeline/status. Each check looks at one part of the
// pipeline, is bounded by HEALTH_CHECK_TIMEOUT_MS, and never throws: it reports "up" or "down" with
// what it saw, so one slow component cannot hide the state of the others.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CHANGE_TOPIC } from '../kafka/kafka.topics';
import { ProjectorStats } from '../projector/projector.stats';
import { CONNECTOR_NAME, ConnectStatusClient } from './connect-status.client';
import { DruidSupervisorClient, SUPERVISOR_ID, type TaskRowStats } from '../druid/druid-supervisor.client';
import { KafkaAdmin, type PartitionLag } from '../kafka/kafka-admin';
import { withTimeout } from '../common/with-timeout';

export type CheckStatus = 'up' | 'down';

/** The outcome of one check: its status, how long it took, what it saw, and why it is down. */
export interface CheckResult {
  status: CheckStatus;
  durationMs: number;
  /** The component's own state word where it has one (RUNNING, FAILED, running, disabled…). */
  state?: string;
  /** Why the check is down (a short, client-safe reason). */
  error?: string;
  [detail: string]: unknown;
}

export interface ProjectorLag {
  /** Change events in `debit_card` the projector group has not committed yet. */
  events: number;
  partitions: PartitionLag[];
}

export interface IngestionCounters {
  processed: number;
  processedWithError: number;
  unparseable: number;
  thrownAway: number;
}

/** A short reason for a failed call: an HTTP status, an error code or a message; no stack, no body. */
function reason(error: unknown): string {
  const { code, response, message } = error as {
    code?: unknown;
    response?: { status?: number };
    message?: unknown;
  };
  if (response?.status !== undefined) return `answered HTTP ${response.status}`;
  if (typeof code === 'string' && code !== '') return code;
  return typeof message === 'string' ? message : String(error);
}

@Injectable()
export class PipelineChecks {
  private readonly timeoutMs: number;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaAdmin,
    private readonly connect: ConnectStatusClient,
    private readonly supervisor: DruidSupervisorClient,
    private readonly projectorStats: ProjectorStats,
  ) {
    this.timeoutMs = config.health.checkTimeoutMs;
  }

  /** Runs `probe` with the timeout; its result's `status` defaults to up, a throw is down. */
  private async check(
    what: string,
    probe: () => Promise<Omit<CheckResult, 'durationMs' | 'status'> & { status?: CheckStatus }>,
  ): Promise<CheckResult> {
    const started = Date.now();
    try {
      const result = await withTimeout(probe(), this.timeoutMs, what);
      return { ...result, status: result.status ?? 'up', durationMs: Date.now() - started };
    } catch (error) {
      return { status: 'down', durationMs: Date.now() - started, error: `${what}: ${reason(error)}` };
    }
  }

  /** The write model's database answers a query. */
  database(): Promise<CheckResult> {
    return this.check('the database', async () => {
      await this.dataSource.query('SELECT 1');
      return {};
    });
  }

  /** The Kafka cluster answers an admin request. */
  kafkaCluster(): Promise<CheckResult> {
    return this.check('Kafka', async () => ({ brokers: await this.kafka.brokers() }));
  }

  /** The Debezium connector and every one of its tasks are RUNNING. */
  connector(): Promise<CheckResult> {
    return this.check(`connector ${CONNECTOR_NAME}`, async () => {
      const { state, tasks } = await this.connect.connectorStatus();
      const running =
        state === 'RUNNING' && tasks.length > 0 && tasks.every((task) => task.state === 'RUNNING');
      return {
        status: running ? 'up' : 'down',
        state,
        tasks,
        ...(running
          ? {}
          : { error: `connector ${CONNECTOR_NAME} is ${state} (tasks: ${taskStates(tasks)})` }),
      };
    });
  }

  /**
   * The projector of this instance is consuming (an instance started with PROJECTOR_ENABLED=false
   * serves the API only and is ready without it). Its lag is reported, not judged: a backlog, as
   * after a rebuild, is no reason to take the API out of service.
   */
  projector(): Promise<CheckResult> {
    return this.check('the projector', async () => {
      const enabled = this.config.projector.enabled;
      const running = this.projectorStats.running;
      const lag = await this.projectorLag().catch(() => undefined);
      return {
        status: !enabled || running ? 'up' : 'down',
        state: !enabled ? 'disabled' : running ? 'running' : 'stopped',
        ...(lag === undefined ? {} : { lag: lag.events }),
        ...(enabled && !running
          ? { error: 'the projector is not consuming (restarting or Kafka is down)' }
          : {}),
      };
    });
  }

  /** How far the projector group is behind `debit_card`. */
  async projectorLag(): Promise<ProjectorLag> {
    const partitions = await this.kafka.groupLag(this.config.projector.groupId, CHANGE_TOPIC);
    return { events: partitions.reduce((sum, entry) => sum + entry.lag, 0), partitions };
  }

  /** The Druid Kafka supervisor is RUNNING; with its lag and its tasks' row counters. */
  druidIngestion(): Promise<CheckResult> {
    return this.check(`Druid supervisor ${SUPERVISOR_ID}`, async () => {
      const [status, tasks] = await Promise.all([
        this.supervisor.status(),
        this.supervisor.taskRowStats().catch((): TaskRowStats[] | undefined => undefined),
      ]);
      const running = status.state === 'RUNNING';
      return {
        status: running ? 'up' : 'down',
        state: status.state,
        detailedState: status.detailedState,
        healthy: status.healthy,
        lag: { aggregate: status.aggregateLag, partitions: status.lag },
        activeTasks: status.activeTasks,
        publishingTasks: status.publishingTasks,
        recentErrors: status.recentErrors,
        ...(tasks === undefined ? {} : { ingestion: { ...sumCounters(tasks), tasks } }),
        ...(running
          ? {}
          : { error: `supervisor ${SUPERVISOR_ID} is ${status.state}/${status.detailedState}` }),
      };
    });
  }
}

function taskStates(tasks: { id: number; state: string }[]): string {
  return tasks.length === 0 ? 'none' : tasks.map((task) => `${task.id}=${task.state}`).join(', ');
}

/** Totals over the current tasks (Druid resets a task's counters when a new task takes over). */
export function sumCounters(tasks: TaskRowStats[]): IngestionCounters {
  return tasks.reduce(
    (sum, task) => ({
      processed: sum.processed + task.processed,
      processedWithError: sum.processedWithError + task.processedWithError,
      unparseable: sum.unparseable + task.unparseable,
      thrownAway: sum.thrownAway + task.thrownAway,
    }),
    { processed: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 },
  );
}
