import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DebitCardEntity } from './debit-card.entity';
import { DebitCardSeeder } from './debit-card.seeder';
import { DebitCardsController } from './debit-cards.controller';
import { DebitCardsService } from './debit-cards.service';

/** The write model's cards; the cards' repository is exported for the modules that inspect it. */
@Module({
  imports: [TypeOrmModule.forFeature([DebitCardEntity])],
  controllers: [DebitCardsController],
  providers: [DebitCardsService, DebitCardSeeder],
  exports: [TypeOrmModule, DebitCardsService],
})
export class DebitCardsModule {}
