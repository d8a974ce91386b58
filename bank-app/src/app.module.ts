import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { Logger as PinoInstance } from 'pino';
import { AnalyticsModule } from './analytics/analytics.module';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { ZodValidationPipe } from './common/validation.pipe';
import { AppConfigModule } from './config/app-config.module';
import { DatabaseModule } from './database/database.module';
import { DebitCardsModule } from './debit-cards/debit-cards.module';
import { loggerModule } from './logging/app-logger';
import { HopLagService } from './observability/hop-lag.service';
import { ObservabilityModule } from './observability/observability.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { ProjectorModule } from './projector/projector.module';
import { StatementModule } from './statement/statement.module';
import { WithdrawalsModule } from './withdrawals/withdrawals.module';

@Module({
  imports: [
    DatabaseModule,
    DebitCardsModule,
    WithdrawalsModule,
    ProjectorModule,
    StatementModule,
    AnalyticsModule,
    // /pipeline/status and readiness report the lag per hop that observability measures.
    PipelineModule.register({ imports: [ObservabilityModule], hopLags: HopLagService }),
    ObservabilityModule,
  ],
  providers: [
    // Registered as a provider (not app.useGlobalFilters) so every way of booting the module,
    // e2e tests included, gets the same error format.
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    // Every @Body, @Query, @Param and @RequestHeaders parameter is a zod DTO, validated here.
    { provide: APP_PIPE, useClass: ZodValidationPipe },
  ],
})
export class AppModule {
  /**
   * The app with its configuration, read from the environment when the app is created, and the
   * logger everything logs through (logging/app-logger.ts).
   */
  static forRoot(logger: PinoInstance): DynamicModule {
    return { module: AppModule, imports: [AppConfigModule.forRoot(), loggerModule(logger)] };
  }
}
