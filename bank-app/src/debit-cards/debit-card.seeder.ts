import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DebitCardEntity } from './debit-card.entity';

/** The demo card every curl example uses. Idempotent: a restart keeps the card's balance. */
export const SEED_CARD = { id: '123456789', initialLimit: '10000.00' } as const;

@Injectable()
export class DebitCardSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DebitCardSeeder.name);

  constructor(@InjectRepository(DebitCardEntity) private readonly cards: Repository<DebitCardEntity>) {}

  async onApplicationBootstrap(): Promise<void> {
    // INSERT IGNORE: an existing card (and its balance) is left alone, also when several instances
    // start at once. updateEntity(false): nothing is read back.
    await this.cards
      .createQueryBuilder()
      .insert()
      .values({ id: SEED_CARD.id, initialLimit: SEED_CARD.initialLimit })
      .orIgnore()
      .updateEntity(false)
      .execute();
    this.logger.log(`seed card ${SEED_CARD.id} is present`);
  }
}
