// OLAP reads over the `bankapp` datasource that Druid ingests from `ministatement`. Eventually
// consistent by design: a withdrawal shows here a second or so after it shows in the read model.
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '../common/openapi';
import { CardTotalDto, TopCardsQueryDto, WithdrawalBucketDto, WithdrawalsQueryDto } from './analytics.dto';
import { AnalyticsService } from './analytics.service';

@ApiTags('analytics')
@ApiProblem(400, 'A bad or unknown parameter.')
@ApiProblem(503, 'Druid is unavailable or too slow (Retry-After).')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('withdrawals')
  @ApiOperation({ summary: 'Withdrawals per time bucket, oldest first, from Druid' })
  @ApiResponse({
    status: 200,
    description: 'The buckets (empty ones left out).',
    type: [WithdrawalBucketDto.Output],
  })
  withdrawals(@Query() query: WithdrawalsQueryDto): Promise<WithdrawalBucketDto[]> {
    return this.analytics.withdrawals(query);
  }

  @Get('top-cards')
  @ApiOperation({ summary: 'Cards by total withdrawn, largest first, from Druid' })
  @ApiResponse({ status: 200, description: 'The cards.', type: [CardTotalDto.Output] })
  topCards(@Query() query: TopCardsQueryDto): Promise<CardTotalDto[]> {
    return this.analytics.topCards(query);
  }
}
