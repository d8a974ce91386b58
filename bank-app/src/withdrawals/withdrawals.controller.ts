import { Body, Controller, Headers, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../common/problem-details';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey, parseWithdrawalRequest } from './withdrawal.request';
import { WithdrawalsService } from './withdrawals.service';

@Controller('moneywithdrawals')
export class WithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalsService) {}

  /**
   * 202 with the receipt. With an Idempotency-Key the status may also be a replayed 404/422, so the
   * reply is written here rather than through @HttpCode. Errors thrown before that (400, 409, 422 for
   * a reused key, 503) go through the problem-details filter like everywhere else.
   */
  @Post()
  async withdraw(
    @Body() body: unknown,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKeyHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const idempotencyKey = parseIdempotencyKey(idempotencyKeyHeader);
    const command = parseWithdrawalRequest(body);
    const response = await this.withdrawals.withdraw(command, request.id, idempotencyKey);

    void reply.status(response.status);
    if (response.status >= 400) void reply.type(PROBLEM_CONTENT_TYPE);
    if (response.replayed) void reply.header('idempotent-replayed', 'true');
    await reply.send(response.body);
  }
}
