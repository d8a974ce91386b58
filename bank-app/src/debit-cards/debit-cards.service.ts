// The write model's cards: create one, read its state. Withdrawals live in ../withdrawals.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { decimalToCents, formatCents } from '../common/money';
import { isDuplicateKeyError } from '../database/database-errors';
import type { CreateDebitCardCommand } from './debit-card.dto';

/** A card as the API shows it: amounts as decimal strings, version as a number. */
export interface DebitCardView {
  id: string;
  initialLimit: string;
  usedLimit: string;
  availableBalance: string;
  version: number;
}

/** The row as mysql2 returns it: DECIMAL and BIGINT come back as strings. */
interface DebitCardRow {
  id: string;
  initial_limit: string;
  used_limit: string;
  version: string;
}

export function toDebitCardView(row: DebitCardRow): DebitCardView {
  const initial = decimalToCents(row.initial_limit);
  const used = decimalToCents(row.used_limit);
  return {
    id: row.id,
    initialLimit: formatCents(initial),
    usedLimit: formatCents(used),
    availableBalance: formatCents(initial - used),
    version: Number(row.version),
  };
}

@Injectable()
export class DebitCardsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(command: CreateDebitCardCommand): Promise<DebitCardView> {
    const initialLimit = formatCents(command.initialLimitCents);
    try {
      // CAST: a string parameter in arithmetic or comparison would otherwise be read as a DOUBLE.
      await this.dataSource.query(
        'INSERT INTO debit_card (id, initial_limit, used_limit, version) VALUES (?, CAST(? AS DECIMAL(18,2)), 0, 0)',
        [command.id, initialLimit],
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new DomainError('CARD_ALREADY_EXISTS', `Debit card ${command.id} already exists.`);
      }
      throw error;
    }
    return toDebitCardView({ id: command.id, initial_limit: initialLimit, used_limit: '0.00', version: '0' });
  }

  async get(id: string): Promise<DebitCardView> {
    const rows = await this.dataSource.query<DebitCardRow[]>(
      'SELECT id, initial_limit, used_limit, version FROM debit_card WHERE id = ?',
      [id],
    );
    if (rows.length === 0) throw new DomainError('CARD_NOT_FOUND', `Debit card ${id} does not exist.`);
    return toDebitCardView(rows[0]);
  }

  /** Creates the card if it is missing; leaves an existing card (and its balance) alone. */
  async ensureExists(id: string, initialLimit: string): Promise<void> {
    await this.dataSource.query(
      'INSERT IGNORE INTO debit_card (id, initial_limit) VALUES (?, CAST(? AS DECIMAL(18,2)))',
      [id, initialLimit],
    );
  }
}
