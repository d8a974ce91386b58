// The query side: GET /moneywithdrawals serves the mini statement from the read model, never from the
// write model. With ?minVersion=N it first waits (bounded) until the projector has caught up with
// version N of the card, so a client reads its own write without polling.
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblem } from '../common/openapi';
import { StatementService } from './statement.service';
import { StatementLineDto, StatementQueryDto } from './statement.dto';

@ApiTags('withdrawals')
@Controller('moneywithdrawals')
export class StatementController {
  constructor(private readonly statements: StatementService) {}

  @Get()
  @ApiOperation({ summary: 'The mini statement of a card (the read model), newest first' })
  @ApiResponse({
    status: 200,
    description: 'The lines (with X-Read-Model-Behind: true when minVersion was not reached in time).',
    type: [StatementLineDto.Output],
  })
  @ApiProblem(400, 'A missing or bad parameter, or an unknown one.')
  @ApiProblem(503, 'The database is unavailable or overloaded (Retry-After).')
  async list(
    @Query() { debitCardId, limit, minVersion }: StatementQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementLineDto[]> {
    if (minVersion !== undefined) {
      const caughtUp = await this.statements.waitForVersion(debitCardId, minVersion);
      // Still 200 with what the read model holds; the header says it has not caught up yet.
      if (!caughtUp) void reply.header('x-read-model-behind', 'true');
    }
    return this.statements.statement(debitCardId, limit);
  }
}
