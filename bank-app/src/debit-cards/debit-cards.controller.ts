import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { parseCardIdParameter } from '../common/request-validation';
import { parseCreateDebitCardRequest } from './debit-card.request';
import { DebitCardsService, DebitCardView } from './debit-cards.service';

@Controller('debitcards')
export class DebitCardsController {
  constructor(private readonly cards: DebitCardsService) {}

  /** 201 with the new card and its Location; 409 if the id is taken. */
  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DebitCardView> {
    const card = await this.cards.create(parseCreateDebitCardRequest(body));
    void reply.header('location', `/debitcards/${card.id}`);
    return card;
  }

  /** The write-side state of a card (not the statement: that is GET /moneywithdrawals). */
  @Get(':id')
  get(@Param('id') id: string): Promise<DebitCardView> {
    return this.cards.get(parseCardIdParameter(id, 'id'));
  }
}
