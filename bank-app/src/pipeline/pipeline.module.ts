import { Module } from '@nestjs/common';
import { DruidModule } from '../druid/druid.module';
import { KafkaModule } from '../kafka/kafka.module';
import { ObservabilityModule } from '../observability/observability.module';
import { ProjectorModule } from '../projector/projector.module';
import { ConnectStatusClient } from './connect-status.client';
import { HealthController } from './health.controller';
import { PipelineChecks } from './pipeline-checks.service';
import { PipelineSnapshotService } from './pipeline-snapshot.service';
import { PipelineStatusController } from './pipeline-status.controller';

/** Health of the app and of every hop of the pipeline: /health, /health/ready, /pipeline/status. */
@Module({
  // The projector's counters (ProjectorStats) and the lag in milliseconds per hop (HopLagService).
  imports: [ProjectorModule, ObservabilityModule, KafkaModule, DruidModule],
  controllers: [HealthController, PipelineStatusController],
  providers: [PipelineChecks, PipelineSnapshotService, ConnectStatusClient],
})
export class PipelineModule {}
