import { Module } from '@nestjs/common';
import { DruidSqlClient } from '../analytics/druid-sql.client';
import { DebitCardsModule } from '../debit-cards/debit-cards.module';
import { ProjectorModule } from '../projector/projector.module';
import { KafkaHealthClient } from '../pipeline/kafka-health.client';
import { MetricsController } from './metrics.controller';
import { HopLagService } from './hop-lag.service';
import { MetricsService } from './metrics.service';
import { ObservabilityController } from './observability.controller';
import { PublishLog } from './publish-log';
import { ReconcileService } from './reconcile.service';
import { TraceService } from './trace.service';

/**
 * GET /metrics, GET /pipeline/trace and GET /pipeline/reconcile, and the lag per hop of /pipeline/status.
 * Its own Druid SQL and Kafka admin clients (small, lazily connected); from the other feature modules it
 * takes only the projector's counters and the repositories of the tables it inspects.
 */
@Module({
  imports: [DebitCardsModule, ProjectorModule],
  controllers: [MetricsController, ObservabilityController],
  providers: [
    MetricsService,
    PublishLog,
    TraceService,
    ReconcileService,
    HopLagService,
    DruidSqlClient,
    KafkaHealthClient,
  ],
  exports: [MetricsService, HopLagService],
})
export class ObservabilityModule {}
