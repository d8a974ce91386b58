// Lag in milliseconds per hop, for GET /pipeline/status and /health/ready, measured on the withdrawals
// this instance's projector published most recently (PublishLog), each against its commit time
// (debit_card.last_withdrawn_at, microseconds; the same clock as projected_at, both set by MariaDB):
//   debit_card      source_timestamp - transaction_date  (commit → change event in Kafka). The event's
//                   Kafka timestamp is set by Connect's producer (millisecond resolution). Debezium's
//                   own source.ts_ms would not do: MariaDB's binlog headers have one-second resolution.
//   read_model      projected_at - transaction_date      (commit → statement line written)
//   ministatement   Kafka transaction commit - transaction_date (commit → published)
//   druid           how long the oldest of those withdrawals not yet queryable in Druid has been
//                   published (0 when Druid has them all)
// The database clock and this process's clock are the same machine's (or the same host's, in compose).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATASOURCE, DruidSqlClient } from '../druid/druid-sql.client';
import { PublishLog, type PublishedWithdrawal } from './publish-log';

/** How many recent withdrawals the lag is measured on. */
export const LAG_SAMPLES = 20;

export interface HopLag {
  /** The newest sample's lag (ms), or null when not measured. */
  lastMs: number | null;
  /** The largest lag among the samples (ms). */
  maxMs: number | null;
  samples: number;
  note?: string;
}

export interface HopLags {
  /** When the newest sample was published (null: nothing published by this instance yet). */
  newestSampleAt: string | null;
  debitCardTopic: HopLag;
  readModel: HopLag;
  ministatement: HopLag;
  druid: HopLag;
}

const NOT_MEASURED = (note: string): HopLag => ({ lastMs: null, maxMs: null, samples: 0, note });

function summary(values: number[], note?: string): HopLag {
  if (values.length === 0) return NOT_MEASURED(note ?? 'no samples');
  return {
    lastMs: values[0],
    maxMs: Math.max(...values),
    samples: values.length,
    ...(note === undefined ? {} : { note }),
  };
}

@Injectable()
export class HopLagService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly druid: DruidSqlClient,
    private readonly publishLog: PublishLog,
  ) {}

  async lags(): Promise<HopLags> {
    const recent = this.publishLog.recent(LAG_SAMPLES);
    if (recent.length === 0) {
      const none = 'no withdrawal published by this instance yet';
      return {
        newestSampleAt: null,
        debitCardTopic: NOT_MEASURED(none),
        readModel: NOT_MEASURED(none),
        ministatement: NOT_MEASURED(none),
        druid: NOT_MEASURED(none),
      };
    }
    const committed = (entry: PublishedWithdrawal): number => Date.parse(entry.transactionDate);
    const noDatabase = NOT_MEASURED('the database did not answer');
    const [lines, druid] = await Promise.all([
      this.readModelLags(recent).catch(() => undefined),
      this.druidLag(recent).catch(() => NOT_MEASURED('Druid did not answer')),
    ]);
    return {
      newestSampleAt: new Date(recent[0].publishedAt).toISOString(),
      debitCardTopic: lines?.debitCardTopic ?? noDatabase,
      readModel: lines?.readModel ?? noDatabase,
      ministatement: summary(recent.map((entry) => entry.publishedAt - committed(entry))),
      druid,
    };
  }

  /** The two lags the statement lines tell: commit → change event, commit → line written. */
  private async readModelLags(
    recent: PublishedWithdrawal[],
  ): Promise<{ debitCardTopic: HopLag; readModel: HopLag }> {
    const rows = await this.dataSource.query<
      { id: string; transaction_date: Date; source_timestamp: Date | null; projected_at: Date }[]
    >(
      `SELECT id, transaction_date, source_timestamp, projected_at FROM money_withdrawal
        WHERE id IN (${recent.map(() => '?').join(', ')})`,
      recent.map((entry) => entry.id),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const lines = recent.flatMap((entry) => byId.get(entry.id) ?? []);
    return {
      // Kafka timestamps have millisecond resolution, the commit microsecond: floor at 0.
      debitCardTopic: summary(
        lines.flatMap((line) =>
          line.source_timestamp === null
            ? []
            : [Math.max(0, line.source_timestamp.getTime() - line.transaction_date.getTime())],
        ),
      ),
      readModel: summary(lines.map((line) => line.projected_at.getTime() - line.transaction_date.getTime())),
    };
  }

  private async druidLag(recent: PublishedWithdrawal[]): Promise<HopLag> {
    const since = Math.min(...recent.map((entry) => Date.parse(entry.transactionDate)));
    const rows = await this.druid.query<{ id: unknown }>({
      query: `SELECT "id" FROM "${DATASOURCE}" WHERE __time >= ? AND "id" IN (${recent.map(() => '?').join(', ')})`,
      parameters: [
        { type: 'TIMESTAMP', value: since - 1000 },
        ...recent.map((entry) => ({ type: 'VARCHAR' as const, value: entry.id })),
      ],
      resultFormat: 'object',
      context: { sqlTimeZone: 'Etc/UTC' },
    });
    const present = new Set(rows.map((row) => String(row.id)));
    const missing = recent.filter((entry) => !present.has(entry.id));
    const now = Date.now();
    const behind = missing.length === 0 ? 0 : Math.max(...missing.map((entry) => now - entry.publishedAt));
    return {
      lastMs: behind,
      maxMs: behind,
      samples: recent.length,
      note:
        missing.length === 0
          ? 'every sampled withdrawal is queryable in Druid'
          : `${missing.length} of ${recent.length} sampled withdrawals not queryable yet; lag = time since the oldest was published`,
    };
  }
}
