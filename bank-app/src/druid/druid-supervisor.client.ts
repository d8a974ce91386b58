// Reads the Druid Kafka supervisor that ingests `ministatement` (overlord API): its state and lag
// (…/status) and the row counters of its running tasks (…/stats).
import { Injectable } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { DATASOURCE } from './druid-sql.client';
import { AppConfig } from '../config/app-config';

/** The supervisor's id is its datasource's name. */
export const SUPERVISOR_ID = DATASOURCE;

export interface SupervisorStatus {
  /** RUNNING, PENDING, SUSPENDED, STOPPING, UNHEALTHY_SUPERVISOR, UNHEALTHY_TASKS, … */
  state: string;
  detailedState: string;
  healthy: boolean;
  suspended: boolean;
  /** Kafka records not yet read, all partitions together (each transaction marker counts as one). */
  aggregateLag: number | null;
  /** Per partition: records behind the latest offset. */
  lag: Record<string, number>;
  activeTasks: string[];
  publishingTasks: string[];
  recentErrors: number;
}

/** Row counters of one indexing task since it started (Druid's rowStats "buildSegments" totals). */
export interface TaskRowStats {
  taskId: string;
  processed: number;
  processedWithError: number;
  unparseable: number;
  thrownAway: number;
}

interface StatusPayload {
  state?: string;
  detailedState?: string;
  healthy?: boolean;
  suspended?: boolean;
  aggregateLag?: number | null;
  minimumLag?: Record<string, number>;
  activeTasks?: { id: string }[];
  publishingTasks?: { id: string }[];
  recentErrors?: unknown[];
}

type RowCounters = Partial<Omit<TaskRowStats, 'taskId'>>;
/** GET …/stats: { "<task group>": { "<task id>": { totals: { buildSegments: counters } } } }. */
type StatsPayload = Record<string, Record<string, { totals?: { buildSegments?: RowCounters } }>>;

const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

@Injectable()
export class DruidSupervisorClient {
  private readonly http: AxiosInstance;

  constructor(config: AppConfig) {
    this.http = axios.create({
      baseURL: `${config.druid.overlordUrl}/druid/indexer/v1/supervisor/${SUPERVISOR_ID}`,
      timeout: config.health.checkTimeoutMs,
    });
  }

  async status(): Promise<SupervisorStatus> {
    const { data } = await this.http.get<{ payload?: StatusPayload }>('/status');
    const payload = data.payload ?? {};
    return {
      state: payload.state ?? 'UNKNOWN',
      detailedState: payload.detailedState ?? 'UNKNOWN',
      healthy: payload.healthy === true,
      suspended: payload.suspended === true,
      aggregateLag: payload.aggregateLag ?? null,
      lag: payload.minimumLag ?? {},
      activeTasks: (payload.activeTasks ?? []).map((task) => task.id),
      publishingTasks: (payload.publishingTasks ?? []).map((task) => task.id),
      recentErrors: payload.recentErrors?.length ?? 0,
    };
  }

  /** The row counters of the supervisor's current (reading and publishing) tasks. */
  async taskRowStats(): Promise<TaskRowStats[]> {
    const { data } = await this.http.get<StatsPayload>('/stats');
    return Object.values(data ?? {}).flatMap((group) =>
      Object.entries(group ?? {}).map(([taskId, stats]) => {
        const totals = stats?.totals?.buildSegments ?? {};
        return {
          taskId,
          processed: number(totals.processed),
          processedWithError: number(totals.processedWithError),
          unparseable: number(totals.unparseable),
          thrownAway: number(totals.thrownAway),
        };
      }),
    );
  }
}
