// One look at the whole pipeline, shared by GET /pipeline/status (the view for people and dashboards)
// and GET /health/ready (the gate for load balancers): every check and the lag in milliseconds per hop,
// all taken at the same moment, each bounded by HEALTH_CHECK_TIMEOUT_MS.
import { Injectable } from '@nestjs/common';
import { PipelineChecks, type CheckResult, type ProjectorLag } from './pipeline-checks.service';
import type { HopLags } from './pipeline.dto';

/**
 * What measures the lag per hop: observability/'s HopLagService, which AppModule binds to this token
 * (PipelineModule.register), so that health and observability need not import each other.
 */
export abstract class HopLagSource {
  abstract lags(): Promise<HopLags>;
}

export interface PipelineSnapshot {
  database: CheckResult;
  kafka: CheckResult;
  connector: CheckResult;
  projector: CheckResult;
  /** The projector group's lag per partition, in events (undefined when Kafka did not answer). */
  projectorLag?: ProjectorLag;
  /** The Druid supervisor: state, lag and its tasks' row counters. */
  druid: CheckResult;
  lagMs: HopLags;
}

@Injectable()
export class PipelineSnapshotService {
  constructor(
    private readonly checks: PipelineChecks,
    private readonly hopLags: HopLagSource,
  ) {}

  async take(): Promise<PipelineSnapshot> {
    const [database, kafka, connector, projector, projectorLag, druid, lagMs] = await Promise.all([
      this.checks.database(),
      this.checks.kafkaCluster(),
      this.checks.connector(),
      this.checks.projector(),
      this.checks.projectorLag().catch(() => undefined),
      this.checks.druidIngestion(),
      this.hopLags.lags(),
    ]);
    return { database, kafka, connector, projector, projectorLag, druid, lagMs };
  }
}
