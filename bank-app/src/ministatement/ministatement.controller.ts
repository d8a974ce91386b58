// The query side: GET /moneywithdrawals serves the mini statement from the read model, never from the
// write model. With ?minVersion=N it first waits (bounded) until the projector has caught up with
// version N of the card, so a client reads its own write without polling.
import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MinistatementService } from './ministatement.service';
import type { StatementLine } from './read-model.repository';
import { parseStatementQuery } from './statement.request';

@Controller('moneywithdrawals')
export class MinistatementController {
  constructor(private readonly statements: MinistatementService) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementLine[]> {
    const { debitCardId, limit, minVersion } = parseStatementQuery(query);
    if (minVersion !== undefined) {
      const caughtUp = await this.statements.waitForVersion(debitCardId, minVersion);
      // Still 200 with what the read model holds; the header says it has not caught up yet.
      if (!caughtUp) void reply.header('x-read-model-behind', 'true');
    }
    return this.statements.statement(debitCardId, limit);
  }
}
