// The read model's batch writes: statement lines (money_withdrawal) and card baselines, written by the
// projector (and the rebuild) one batch at a time. GET /moneywithdrawals reads the lines through the
// entity's repository (statement/statement.service.ts).
//
// The batch writes stay hand SQL, the projector's hot path: a batch's rows travel as one JSON array in
// one parameter, which MariaDB's JSON_TABLE turns back into rows for an INSERT IGNORE … SELECT; a
// placeholder per value (nine per line, thousands of lines per batch during a rebuild), as the query
// builder would send them, was one of the node process's largest costs (docs/benchmarks.md).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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

interface PositionedWithdrawal {
  partition: number;
  offset: string;
  withdrawal: Withdrawal;
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
  idTaken: PositionedWithdrawal[];
}

/** "2026-11-23T12:05:33.754709Z" → "2026-11-23 12:05:33.754709" for a TIMESTAMP(6) in a UTC session. */
function toSqlTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

// Each JSON row is an array; these are its columns, in order. A value is never part of the SQL text.
const INSERT_LINES = `
  INSERT IGNORE INTO money_withdrawal
    (id, debit_card_id, version, amount, transaction_date, request_id, source_partition, source_offset,
     source_timestamp)
  SELECT id, debit_card_id, version, amount, transaction_date, request_id, source_partition, source_offset,
         FROM_UNIXTIME(source_timestamp_ms / 1000)
    FROM JSON_TABLE(?, '$[*]' COLUMNS (
           id CHAR(36) PATH '$[0]',
           debit_card_id VARCHAR(36) PATH '$[1]',
           version BIGINT PATH '$[2]',
           amount DECIMAL(18,2) PATH '$[3]',
           transaction_date DATETIME(6) PATH '$[4]',
           request_id VARCHAR(64) PATH '$[5]',
           source_partition INT PATH '$[6]',
           source_offset BIGINT PATH '$[7]',
           source_timestamp_ms BIGINT PATH '$[8]')) AS line`;

const INSERT_BASELINES = `
  INSERT IGNORE INTO card_baseline (debit_card_id, used_limit, version, source_partition, source_offset)
  SELECT debit_card_id, used_limit, version, source_partition, source_offset
    FROM JSON_TABLE(?, '$[*]' COLUMNS (
           debit_card_id VARCHAR(36) PATH '$[0]',
           used_limit DECIMAL(18,2) PATH '$[1]',
           version BIGINT PATH '$[2]',
           source_partition INT PATH '$[3]',
           source_offset BIGINT PATH '$[4]')) AS baseline`;

/** A batch as the INSERTs' parameters: one JSON array of rows per table (undefined when it has none). */
export interface PreparedBatch {
  withdrawals: PositionedWithdrawal[];
  linesJson?: string;
  baselinesJson?: string;
}

/** Builds a batch's rows; pure, and most of the node-side cost of a write. */
export function prepareBatch(events: PositionedMeaning[]): PreparedBatch {
  const withdrawals: PositionedWithdrawal[] = [];
  const lines: unknown[][] = [];
  const baselines: unknown[][] = [];
  for (const { partition, offset, timestamp, meaning } of events) {
    if (meaning.kind === 'withdrawal') {
      const { withdrawal } = meaning;
      withdrawals.push({ partition, offset, withdrawal });
      lines.push([
        withdrawal.id,
        withdrawal.debitCardId,
        withdrawal.version,
        formatCents(withdrawal.amount),
        toSqlTimestamp(withdrawal.transactionDate),
        withdrawal.requestId,
        partition,
        offset,
        timestamp,
      ]);
    } else if (meaning.kind === 'baseline') {
      baselines.push([
        meaning.debitCardId,
        formatCents(meaning.usedLimit),
        meaning.version,
        partition,
        offset,
      ]);
    }
  }
  return {
    withdrawals,
    linesJson: lines.length > 0 ? JSON.stringify(lines) : undefined,
    baselinesJson: baselines.length > 0 ? JSON.stringify(baselines) : undefined,
  };
}

@Injectable()
export class ReadModelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes a batch. A line is keyed by (debit_card_id, version) and remembers the partition and offset
   * of the event that created it, so a second delivery of the same withdrawal is recognised: same
   * offset = our own earlier attempt whose Kafka transaction did not commit (publish again); another
   * offset = a Debezium duplicate (skip).
   *
   * No transaction around the two INSERTs: each is atomic on its own (autocommit), and a batch cut
   * short between them is written again in full when it is replayed, its existing rows ignored. One
   * round trip per statement instead of START TRANSACTION and COMMIT around them.
   */
  async applyBatch(events: PositionedMeaning[]): Promise<AppliedBatch> {
    return this.writeBatch(prepareBatch(events));
  }

  /** applyBatch for a batch prepared beforehand (the rebuild prepares the next while this one writes). */
  async writeBatch({ withdrawals, linesJson, baselinesJson }: PreparedBatch): Promise<AppliedBatch> {
    if (baselinesJson !== undefined) await this.dataSource.query(INSERT_BASELINES, [baselinesJson]);
    if (linesJson === undefined) return { toPublish: [], duplicates: 0, idTaken: [] };

    const inserted = await this.dataSource.query<{ affectedRows?: number }>(INSERT_LINES, [linesJson]);
    // The usual case: every line is new, so each was created by its own event. Only when a line
    // already existed must we look up which event created it.
    if (inserted.affectedRows === withdrawals.length) {
      return { toPublish: withdrawals.map(({ withdrawal }) => withdrawal), duplicates: 0, idTaken: [] };
    }
    const creators = await this.creatorsOf(withdrawals.map(({ withdrawal }) => withdrawal));
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
  }

  /** Which event (partition:offset) created the line of each (card, version). */
  private async creatorsOf(withdrawals: Withdrawal[]): Promise<Map<string, string>> {
    const rows = await this.dataSource.query<
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
}
