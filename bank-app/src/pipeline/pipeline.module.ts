import { Module } from '@nestjs/common';
import { ProjectorModule } from '../projector/projector.module';
import { ObservabilityModule } from '../observability/observability.module';
import { ConnectStatusClient } from './connect-status.client';
import { DruidSupervisorClient } from './druid-supervisor.client';
import { HealthController } from './health.controller';
import { KafkaHealthClient } from './kafka-health.client';
import { PipelineChecks } from './pipeline-checks.service';
import { PipelineSnapshotService } from './pipeline-snapshot.service';
import { PipelineStatusController } from './pipeline-status.controller';

/** Health of the app and of every hop of the pipeline: /health, /health/ready, /pipeline/status. */
@Module({
  // The projector's counters (ProjectorStats) and the lag in milliseconds per hop (HopLagService).
  imports: [ProjectorModule, ObservabilityModule],
  controllers: [HealthController, PipelineStatusController],
  providers: [
    PipelineChecks,
    PipelineSnapshotService,
    KafkaHealthClient,
    ConnectStatusClient,
    DruidSupervisorClient,
  ],
})
export class PipelineModule {}
