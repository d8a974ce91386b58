import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AnalyticsModule } from './analytics/analytics.module';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DebitCardsModule } from './debit-cards/debit-cards.module';
import { MinistatementModule } from './ministatement/ministatement.module';
import { ObservabilityModule } from './observability/observability.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { WithdrawalsModule } from './withdrawals/withdrawals.module';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    DebitCardsModule,
    WithdrawalsModule,
    MinistatementModule,
    AnalyticsModule,
    PipelineModule,
    ObservabilityModule,
  ],
  providers: [
    // Registered as a provider (not app.useGlobalFilters) so every way of booting the module,
    // e2e tests included, gets the same error format.
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {}
