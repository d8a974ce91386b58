import { Module } from '@nestjs/common';
import { DebitCardSeeder } from './debit-card.seeder';
import { DebitCardsController } from './debit-cards.controller';
import { DebitCardsService } from './debit-cards.service';

@Module({
  controllers: [DebitCardsController],
  providers: [DebitCardsService, DebitCardSeeder],
  exports: [DebitCardsService],
})
export class DebitCardsModule {}
