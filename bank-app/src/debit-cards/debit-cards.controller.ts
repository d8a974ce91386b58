import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ApiProblem } from '../common/openapi';
import { CardIdParamsDto, CreateDebitCardDto, DebitCardDto } from './debit-card.dto';
import { DebitCardsService } from './debit-cards.service';

@ApiTags('debit cards')
@Controller('debitcards')
export class DebitCardsController {
  constructor(private readonly cards: DebitCardsService) {}

  /** 201 with the new card and its Location; 409 if the id is taken. */
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a debit card' })
  @ApiResponse({
    status: 201,
    description: 'Created (Location: /debitcards/{id}).',
    type: DebitCardDto.Output,
  })
  @ApiProblem(400, 'Malformed JSON, or a bad or unknown field.')
  @ApiProblem(409, 'The id is taken.')
  @ApiProblem(413, 'The body is over 16 KiB.')
  @ApiProblem(415, 'The body is not JSON.')
  @ApiProblem(503, 'The database is unavailable or overloaded (Retry-After).')
  async create(
    @Body() body: CreateDebitCardDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DebitCardDto> {
    const card = await this.cards.create({
      id: body.id ?? randomUUID(),
      initialLimitCents: body.initialLimit,
    });
    void reply.header('location', `/debitcards/${card.id}`);
    return card;
  }

  /** The write-side state of a card (not the statement: that is GET /moneywithdrawals). */
  @Get(':id')
  @ApiOperation({ summary: 'The write-side state of a card' })
  @ApiResponse({ status: 200, description: 'The card.', type: DebitCardDto.Output })
  @ApiProblem(400, 'A malformed card id.')
  @ApiProblem(404, 'No such card.')
  @ApiProblem(503, 'The database is unavailable or overloaded (Retry-After).')
  get(@Param() params: CardIdParamsDto): Promise<DebitCardDto> {
    return this.cards.get(params.id);
  }
}
