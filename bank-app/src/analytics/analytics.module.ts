import { Module } from '@nestjs/common';
import { DruidModule } from '../druid/druid.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';

/** GET /analytics/*: Druid SQL over the `bankapp` datasource. */
@Module({
  imports: [DruidModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsService],
})
export class AnalyticsModule {}
