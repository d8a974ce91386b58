// OLAP reads over the `bankapp` datasource that Druid ingests from `ministatement`. Eventually
// consistent by design: a withdrawal shows here a second or so after it shows in the read model.
import { Controller, Get, Query } from '@nestjs/common';
import { parseTopCardsQuery, parseWithdrawalsQuery } from './analytics.request';
import { AnalyticsService, type CardTotal, type WithdrawalBucket } from './analytics.service';

@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  /** GET /analytics/withdrawals?debitCardId=&granularity=minute|hour|day&from=&to= */
  @Get('withdrawals')
  withdrawals(@Query() query: Record<string, unknown>): Promise<WithdrawalBucket[]> {
    return this.analytics.withdrawals(parseWithdrawalsQuery(query));
  }

  /** GET /analytics/top-cards?limit=&from=&to= */
  @Get('top-cards')
  topCards(@Query() query: Record<string, unknown>): Promise<CardTotal[]> {
    return this.analytics.topCards(parseTopCardsQuery(query));
  }
}
