import { DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { DruidModule } from '../druid/druid.module';
import { KafkaModule } from '../kafka/kafka.module';
import { ProjectorModule } from '../projector/projector.module';
import { ConnectStatusClient } from './connect-status.client';
import { HealthController } from './health.controller';
import { PipelineChecks } from './pipeline-checks.service';
import { HopLagSource, PipelineSnapshotService } from './pipeline-snapshot.service';
import { PipelineStatusController } from './pipeline-status.controller';

export interface PipelineModuleOptions {
  /** The module that provides `hopLags`. */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** The service that measures the lag in milliseconds per hop. */
  hopLags: Type<HopLagSource>;
}

/**
 * Health of the app and of every hop of the pipeline: /health, /health/ready, /pipeline/status. The
 * checks ask Kafka, Druid, Connect and the projector's counters themselves; the lag per hop comes from
 * the service AppModule names, so this folder does not depend on the one that measures it.
 */
@Module({})
export class PipelineModule {
  static register({ imports, hopLags }: PipelineModuleOptions): DynamicModule {
    return {
      module: PipelineModule,
      imports: [ProjectorModule, KafkaModule, DruidModule, ...imports],
      controllers: [HealthController, PipelineStatusController],
      providers: [
        PipelineChecks,
        PipelineSnapshotService,
        ConnectStatusClient,
        { provide: HopLagSource, useExisting: hopLags },
      ],
    };
  }
}
