import { Module } from '@nestjs/common';
import { DebitCardsModule } from '../debit-cards/debit-cards.module';
import { DruidModule } from '../druid/druid.module';
import { KafkaModule } from '../kafka/kafka.module';
import { ProjectorModule } from '../projector/projector.module';
import { HopLagService } from './hop-lag.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { ObservabilityController } from './observability.controller';
import { PublishLog } from './publish-log';
import { ReconcileService } from './reconcile.service';
import { TraceService } from './trace.service';

/**
 * GET /metrics, GET /pipeline/trace and GET /pipeline/reconcile, and the lag per hop that
 * /pipeline/status reports. From the other feature modules it takes the projector's counters and the
 * repositories of the tables it inspects; Druid and Kafka come from their own modules.
 */
@Module({
  imports: [DebitCardsModule, ProjectorModule, DruidModule, KafkaModule],
  controllers: [MetricsController, ObservabilityController],
  providers: [MetricsService, PublishLog, TraceService, ReconcileService, HopLagService],
  exports: [MetricsService, HopLagService],
})
export class ObservabilityModule {}
