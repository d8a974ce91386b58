// Lag in milliseconds per hop, for GET /pipeline/status, measured on the withdrawals this instance's
// projector published most recently (PublishLog), each against its commit time
// (debit_card.last_withdrawn_at, microseconds; the same clock as projected_at, both set by MariaDB):
//   read_model      projected_at - transaction_date           (commit → statement line written)
//   ministatement   Kafka transaction commit - transaction_date (commit → published)
//   druid           how long the oldest of those withdrawals not yet queryable in Druid has been
//                   published (0 when Druid has them all)
//   debit_card      not measured: the change event's time is not recorded, and Debezium's source.ts_ms
//                   comes from the binlog event header, which MariaDB writes with one-second resolution,
//                   too coarse for a local hop of a few milliseconds. The projector's consumer lag (in
//                   events) is the measure of this hop.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATASOURCE } from '../analytics/analytics.queries';
import { DruidSqlClient } from '../analytics/druid-sql.client';
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
    const debitCardTopic = NOT_MEASURED(
      "not measured: the change event's time is not recorded and MariaDB's binlog timestamps " +
        '(Debezium source.ts_ms) have one-second resolution; see the projector consumer lag in events',
    );
    if (recent.length === 0) {
      const none = 'no withdrawal published by this instance yet';
      return {
        newestSampleAt: null,
        debitCardTopic,
        readModel: NOT_MEASURED(none),
        ministatement: NOT_MEASURED(none),
        druid: NOT_MEASURED(none),
      };
    }
    const committed = (entry: PublishedWithdrawal): number => Date.parse(entry.transactionDate);
    const [readModel, druid] = await Promise.all([
      this.readModelLag(recent).catch(() => NOT_MEASURED('the database did not answer')),
      this.druidLag(recent).catch(() => NOT_MEASURED('Druid did not answer')),
    ]);
    return {
      newestSampleAt: new Date(recent[0].publishedAt).toISOString(),
      debitCardTopic,
      readModel,
      ministatement: summary(recent.map((entry) => entry.publishedAt - committed(entry))),
      druid,
    };
  }

  private async readModelLag(recent: PublishedWithdrawal[]): Promise<HopLag> {
    const rows = await this.dataSource.query<{ id: string; transaction_date: Date; projected_at: Date }[]>(
      `SELECT id, transaction_date, projected_at FROM money_withdrawal
        WHERE id IN (${recent.map(() => '?').join(', ')})`,
      recent.map((entry) => entry.id),
    );
    const lagOf = new Map(
      rows.map((row) => [row.id, row.projected_at.getTime() - row.transaction_date.getTime()]),
    );
    return summary(recent.flatMap((entry) => lagOf.get(entry.id) ?? []));
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
