// The write model's cards: create one, read its state. Withdrawals live in ../withdrawals.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { decimalToCents, formatCents } from '../common/money';
import { isDuplicateKeyError } from '../database/database-errors';
import type { CreateDebitCardCommand } from './debit-card.dto';
import { DebitCardEntity } from './debit-card.entity';

/** A card as the API shows it: amounts as decimal strings, version as a number. */
export interface DebitCardView {
  id: string;
  initialLimit: string;
  usedLimit: string;
  availableBalance: string;
  version: number;
}

export function toDebitCardView(
  card: Pick<DebitCardEntity, 'id' | 'initialLimit' | 'usedLimit' | 'version'>,
): DebitCardView {
  const initial = decimalToCents(card.initialLimit);
  const used = decimalToCents(card.usedLimit);
  return {
    id: card.id,
    initialLimit: formatCents(initial),
    usedLimit: formatCents(used),
    availableBalance: formatCents(initial - used),
    version: Number(card.version),
  };
}

@Injectable()
export class DebitCardsService {
  constructor(@InjectRepository(DebitCardEntity) private readonly cards: Repository<DebitCardEntity>) {}

  async create(command: CreateDebitCardCommand): Promise<DebitCardView> {
    const card = {
      id: command.id,
      initialLimit: formatCents(command.initialLimitCents),
      usedLimit: '0.00',
      version: '0',
    };
    try {
      // The decimal string goes straight into the DECIMAL column: exact. updateEntity(false): the
      // response needs nothing back, so no SELECT of the new row's defaults after the INSERT.
      await this.cards.createQueryBuilder().insert().values(card).updateEntity(false).execute();
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new DomainError('CARD_ALREADY_EXISTS', `Debit card ${command.id} already exists.`);
      }
      throw error;
    }
    return toDebitCardView(card);
  }

  async get(id: string): Promise<DebitCardView> {
    const card = await this.cards.findOne({
      select: { id: true, initialLimit: true, usedLimit: true, version: true },
      where: { id },
    });
    if (card === null) throw new DomainError('CARD_NOT_FOUND', `Debit card ${id} does not exist.`);
    return toDebitCardView(card);
  }
}
