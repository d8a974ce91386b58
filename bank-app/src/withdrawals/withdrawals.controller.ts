import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiProblem } from '../common/openapi';
import { PROBLEM_CONTENT_TYPE } from '../common/problem-details';
import { RequestHeaders } from '../common/validation.pipe';
import {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKey,
  WithdrawalHeadersDto,
  WithdrawalReceiptDto,
  WithdrawalRequestDto,
} from './withdrawal.dto';
import { WithdrawalsService } from './withdrawals.service';

@ApiTags('withdrawals')
@Controller('moneywithdrawals')
export class WithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalsService) {}

  /**
   * 202 with the receipt. With an Idempotency-Key the status may also be a replayed 404/422, so the
   * reply is written here rather than through @HttpCode. Errors thrown before that (400, 409, 422 for
   * a reused key, 503) go through the problem-details filter like everywhere else.
   */
  @Post()
  @ApiOperation({ summary: 'Withdraw money from a debit card (the command)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: z.toJSONSchema(IdempotencyKey, { target: 'openapi-3.0' }) as SchemaObject,
  })
  @ApiResponse({
    status: 202,
    description: 'Accepted: the card was debited.',
    type: WithdrawalReceiptDto.Output,
  })
  @ApiProblem(400, 'Malformed JSON, a bad or unknown field, or a bad Idempotency-Key.')
  @ApiProblem(404, 'No such card.')
  @ApiProblem(409, 'A request with this Idempotency-Key is still in flight.')
  @ApiProblem(413, 'The body is over 16 KiB.')
  @ApiProblem(415, 'The body is not JSON.')
  @ApiProblem(422, 'Insufficient funds, or the Idempotency-Key was used with another request.')
  @ApiProblem(503, 'The database is unavailable or overloaded (Retry-After).')
  async withdraw(
    @Body() body: WithdrawalRequestDto,
    @RequestHeaders() headers: WithdrawalHeadersDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const command = { debitCardId: body.debitCard, amountCents: body.amount };
    const response = await this.withdrawals.withdraw(command, request.id, headers[IDEMPOTENCY_KEY_HEADER]);

    void reply.status(response.status);
    if (response.status >= 400) void reply.type(PROBLEM_CONTENT_TYPE);
    if (response.replayed) void reply.header('idempotent-replayed', 'true');
    await reply.send(response.body);
  }
}
