import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';
import { DruidSqlClient } from './druid-sql.client';

/** GET /analytics/*: Druid SQL over the `bankapp` datasource. */
@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsService, DruidSqlClient],
})
export class AnalyticsModule {}
