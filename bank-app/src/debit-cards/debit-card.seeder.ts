import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DebitCardsService } from './debit-cards.service';

/** The demo card every curl example uses. Idempotent: a restart keeps the card's balance. */
export const SEED_CARD = { id: '123456789', initialLimit: '10000.00' } as const;

@Injectable()
export class DebitCardSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DebitCardSeeder.name);

  constructor(private readonly cards: DebitCardsService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cards.ensureExists(SEED_CARD.id, SEED_CARD.initialLimit);
    this.logger.log(`seed card ${SEED_CARD.id} is present`);
  }
}
