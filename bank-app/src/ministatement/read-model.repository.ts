// The read model's storage: statement lines (money_withdrawal) and card baselines, written by the
// projector one batch per transaction, and read by GET /moneywithdrawals.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { formatCents } from '../common/money';
import type { ChangeMeaning, Withdrawal } from './debezium-envelope';

/** One change event of a batch, with its position in the `debit_card` topic. */
export interface PositionedMeaning {
  partition: number;
  offset: string;
  /** The record's Kafka timestamp (epoch ms as kafkajs gives it): when Connect produced the event. */
  timestamp: string;
  meaning: ChangeMeaning;
}

export interface AppliedBatch {
  /** Lines to publish to `ministatement`: new ones, and replays of lines this same offset created. */
  toPublish: Withdrawal[];
  /** Withdrawals whose line was created by another offset: Debezium re-sent them. */
  duplicates: number;
  /**
   * Withdrawals that got no line because their id is already another line's: the UPDATE behind the
   * event did not set a new last_withdrawal_id (a hand-written UPDATE, say). They cannot be projected.
   */
  idTaken: { partition: number; offset: string; withdrawal: Withdrawal }[];
}

export interface StatementLine {
  id: string;
  debitCardId: string;
  amount: string;
  transactionDate: string;
  version: number;
  requestId: string | null;
}

/** "2026-11-23T12:05:33.754709Z" → "2026-11-23 12:05:33.754709" for a TIMESTAMP(6) in a UTC session. */
function toSqlTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

@Injectable()
export class ReadModelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes a batch in one transaction. A line is keyed by (debit_card_id, version) and remembers the
   * partition and offset of the event that created it, so a second delivery of the same withdrawal is
   * recognised: same offset = our own earlier attempt whose Kafka transaction did not commit (publish
   * again); another offset = a Debezium duplicate (skip).
   */
  async applyBatch(events: PositionedMeaning[]): Promise<AppliedBatch> {
    const withdrawals = events.flatMap((event) =>
      event.meaning.kind === 'withdrawal' ? [{ ...event, withdrawal: event.meaning.withdrawal }] : [],
    );
    const baselines = events.flatMap((event) =>
      event.meaning.kind === 'baseline' ? [{ ...event, baseline: event.meaning }] : [],
    );
    if (withdrawals.length === 0 && baselines.length === 0)
      return { toPublish: [], duplicates: 0, idTaken: [] };

    return this.dataSource.transaction(async (manager) => {
      if (baselines.length > 0) {
        await manager.query(
          `INSERT IGNORE INTO card_baseline (debit_card_id, used_limit, version, source_partition, source_offset)
           VALUES ${baselines.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          baselines.flatMap(({ baseline, partition, offset }) => [
            baseline.debitCardId,
            formatCents(baseline.usedLimit),
            baseline.version,
            partition,
            offset,
          ]),
        );
      }
      if (withdrawals.length === 0) return { toPublish: [], duplicates: 0, idTaken: [] };
      const inserted = await manager.query<{ affectedRows?: number }>(
        `INSERT IGNORE INTO money_withdrawal
           (id, debit_card_id, version, amount, transaction_date, request_id, source_partition, source_offset,
            source_timestamp)
         VALUES ${withdrawals.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000))').join(', ')}`,
        withdrawals.flatMap(({ withdrawal, partition, offset, timestamp }) => [
          withdrawal.id,
          withdrawal.debitCardId,
          withdrawal.version,
          formatCents(withdrawal.amount),
          toSqlTimestamp(withdrawal.transactionDate),
          withdrawal.requestId,
          partition,
          offset,
          timestamp,
        ]),
      );
      // The usual case: every line is new, so each was created by its own event. Only when a line
      // already existed must we look up which event created it.
      if (inserted.affectedRows === withdrawals.length) {
        return { toPublish: withdrawals.map(({ withdrawal }) => withdrawal), duplicates: 0, idTaken: [] };
      }
      const creators = await this.creatorsOf(
        manager,
        withdrawals.map(({ withdrawal }) => withdrawal),
      );
      const toPublish: Withdrawal[] = [];
      const idTaken: AppliedBatch['idTaken'] = [];
      let duplicates = 0;
      for (const { withdrawal, partition, offset } of withdrawals) {
        const creator = creators.get(`${withdrawal.debitCardId}\u0000${withdrawal.version}`);
        if (creator === `${partition}:${offset}`) toPublish.push(withdrawal);
        else if (creator === undefined) idTaken.push({ partition, offset, withdrawal });
        else duplicates += 1;
      }
      return { toPublish, duplicates, idTaken };
    });
  }

  /** Which event (partition:offset) created the line of each (card, version). */
  private async creatorsOf(manager: EntityManager, withdrawals: Withdrawal[]): Promise<Map<string, string>> {
    const rows = await manager.query<
      { debit_card_id: string; version: string; source_partition: number; source_offset: string }[]
    >(
      `SELECT debit_card_id, version, source_partition, source_offset FROM money_withdrawal
        WHERE (debit_card_id, version) IN (${withdrawals.map(() => '(?, ?)').join(', ')})`,
      withdrawals.flatMap((withdrawal) => [withdrawal.debitCardId, withdrawal.version]),
    );
    return new Map(
      rows.map((row) => [
        `${row.debit_card_id}\u0000${row.version}`,
        `${row.source_partition}:${row.source_offset}`,
      ]),
    );
  }

  /** The mini statement, newest first. */
  async statement(debitCardId: string, limit: number): Promise<StatementLine[]> {
    const rows = await this.dataSource.query<
      {
        id: string;
        debit_card_id: string;
        amount: string;
        transaction_date: Date;
        version: string;
        request_id: string | null;
      }[]
    >(
      `SELECT id, debit_card_id, amount, transaction_date, version, request_id
         FROM money_withdrawal WHERE debit_card_id = ? ORDER BY version DESC LIMIT ?`,
      [debitCardId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      debitCardId: row.debit_card_id,
      amount: row.amount,
      transactionDate: row.transaction_date.toISOString(),
      version: Number(row.version),
      requestId: row.request_id,
    }));
  }

  /** The highest version of the card the read model holds (0 when none). */
  async projectedVersion(debitCardId: string): Promise<number> {
    const rows = await this.dataSource.query<{ version: string }[]>(
      'SELECT COALESCE(MAX(version), 0) AS version FROM money_withdrawal WHERE debit_card_id = ?',
      [debitCardId],
    );
    return Number(rows[0]?.version ?? 0);
  }
}
