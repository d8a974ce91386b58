// GET /pipeline/trace: follows one withdrawal (by request id or withdrawal id) through every hop, with
// the time it reached each one, from the records each hop leaves behind:
//   commit          debit_card.last_withdrawn_at, carried into money_withdrawal.transaction_date
//   debit_card      the change event's partition, offset and Kafka timestamp (when Connect produced
//                   it), kept on the line: money_withdrawal.source_partition/offset/timestamp
//   read model      money_withdrawal.projected_at (set by the database in the projector's transaction)
//   ministatement   the message's partition and offset and the commit of the projector's Kafka
//                   transaction, remembered in memory by this instance only (PublishLog)
//   Druid           whether the row is queryable; its __time is the withdrawal's transactionDate, so
//                   Druid tells *that* it has the row, not *when* it ingested it
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DATASOURCE, DruidSqlClient } from '../druid/druid-sql.client';
import { DebitCardEntity } from '../debit-cards/debit-card.entity';
import { MoneyWithdrawalEntity } from '../projector/money-withdrawal.entity';
import { CHANGE_TOPIC, MINISTATEMENT_TOPIC } from '../kafka/kafka.topics';
import type { TraceQuery } from './observability.dto';
import { PublishLog } from './publish-log';

export type HopName = 'commit' | 'debit_card' | 'read_model' | 'ministatement' | 'druid';

export interface TraceHop {
  hop: HopName;
  /** done: the withdrawal reached this hop; pending: not yet; unknown: this hop cannot tell. */
  status: 'done' | 'pending' | 'unknown';
  /** When it reached the hop (ISO-8601 UTC), when that is recorded. */
  at: string | null;
  /** Milliseconds from the commit to this hop. */
  sinceCommitMs: number | null;
  detail: Record<string, unknown>;
}

export interface TracedWithdrawal {
  withdrawalId: string;
  debitCardId: string;
  amount: string | null;
  version: number;
  requestId: string | null;
  hops: TraceHop[];
}

export interface Trace {
  query: TraceQuery;
  withdrawals: TracedWithdrawal[];
}

/** A request id is the client's choice and may repeat; at most this many withdrawals are traced. */
const MAX_TRACED = 10;

/** A card with a last withdrawal: the UPDATE of a withdrawal sets its id and its time together. */
type CardWithWithdrawal = DebitCardEntity & { lastWithdrawalId: string; lastWithdrawnAt: Date };

const hasWithdrawal = (card: DebitCardEntity): card is CardWithWithdrawal =>
  card.lastWithdrawalId !== null && card.lastWithdrawnAt !== null;

interface DruidRow {
  __time: unknown;
  id: unknown;
}

const iso = (millis: number): string => new Date(millis).toISOString();

@Injectable()
export class TraceService {
  constructor(
    @InjectRepository(MoneyWithdrawalEntity) private readonly lines: Repository<MoneyWithdrawalEntity>,
    @InjectRepository(DebitCardEntity) private readonly cards: Repository<DebitCardEntity>,
    private readonly druid: DruidSqlClient,
    private readonly publishLog: PublishLog,
  ) {}

  async trace(query: TraceQuery): Promise<Trace> {
    const byRequest = 'requestId' in query;
    const value = byRequest ? query.requestId : query.withdrawalId;
    const [lines, cards, druid] = await Promise.all([
      this.lines.find({
        where: byRequest ? { requestId: value } : { id: value },
        order: { transactionDate: 'ASC' },
        take: MAX_TRACED,
      }),
      // Committed but not projected yet: only the card's last withdrawal is on the write model's row.
      this.cards.find({
        select: {
          id: true,
          version: true,
          lastWithdrawalId: true,
          lastRequestId: true,
          lastWithdrawnAt: true,
        },
        where: byRequest ? { lastRequestId: value } : { lastWithdrawalId: value },
        take: MAX_TRACED,
      }),
      this.druidRows(byRequest ? 'requestId' : 'id', value).catch(() => undefined),
    ]);
    const projected = new Set(lines.map((line) => line.id));
    const withdrawals = [
      ...lines.map((line) => this.traceLine(line, druid)),
      ...cards
        .filter(hasWithdrawal)
        .filter((card) => !projected.has(card.lastWithdrawalId))
        .map((card) => this.traceUnprojected(card, druid)),
    ];
    return { query, withdrawals: withdrawals.slice(0, MAX_TRACED) };
  }

  private traceLine(line: MoneyWithdrawalEntity, druid: Map<string, number> | undefined): TracedWithdrawal {
    const committed = line.transactionDate.getTime();
    const since = (millis: number): number => millis - committed;
    const published = this.publishLog.get(line.id);
    return {
      withdrawalId: line.id,
      debitCardId: line.debitCardId,
      amount: line.amount,
      version: Number(line.version),
      requestId: line.requestId,
      hops: [
        commitHop(committed),
        {
          hop: 'debit_card',
          status: 'done',
          at: line.sourceTimestamp?.toISOString() ?? null,
          sinceCommitMs: line.sourceTimestamp === null ? null : since(line.sourceTimestamp.getTime()),
          detail: {
            topic: CHANGE_TOPIC,
            partition: line.sourcePartition,
            offset: line.sourceOffset,
            note:
              line.sourceTimestamp === null
                ? 'projected before the change event time was recorded'
                : "the change event's Kafka timestamp (when Kafka Connect produced it; milliseconds)",
          },
        },
        {
          hop: 'read_model',
          status: 'done',
          at: line.projectedAt.toISOString(),
          sinceCommitMs: since(line.projectedAt.getTime()),
          detail: { table: 'money_withdrawal', column: 'projected_at' },
        },
        published === undefined
          ? {
              hop: 'ministatement',
              status: 'unknown',
              at: null,
              sinceCommitMs: null,
              detail: {
                topic: MINISTATEMENT_TOPIC,
                note: 'published before this instance started, or by another instance (not tracked)',
              },
            }
          : {
              hop: 'ministatement',
              status: 'done',
              at: iso(published.publishedAt),
              sinceCommitMs: since(published.publishedAt),
              detail: {
                topic: MINISTATEMENT_TOPIC,
                partition: published.partition,
                offset: published.offset,
                note: 'time of the Kafka transaction commit',
              },
            },
        druidHop(line.id, druid),
      ],
    };
  }

  private traceUnprojected(
    card: CardWithWithdrawal,
    druid: Map<string, number> | undefined,
  ): TracedWithdrawal {
    const pending = (hop: HopName): TraceHop => ({
      hop,
      status: 'pending',
      at: null,
      sinceCommitMs: null,
      detail: {},
    });
    return {
      withdrawalId: card.lastWithdrawalId,
      debitCardId: card.id,
      amount: null, // known only once the projector has compared the before and after images
      version: Number(card.version),
      requestId: card.lastRequestId,
      hops: [
        commitHop(card.lastWithdrawnAt.getTime()),
        pending('debit_card'),
        pending('read_model'),
        pending('ministatement'),
        druidHop(card.lastWithdrawalId, druid),
      ],
    };
  }

  /** Druid rows by id or requestId: id → __time (ms). A parameter, never SQL text. */
  private async druidRows(column: 'id' | 'requestId', value: string): Promise<Map<string, number>> {
    const rows = await this.druid.query<DruidRow>({
      query: `SELECT __time, "id" FROM "${DATASOURCE}" WHERE "${column}" = ? LIMIT ${MAX_TRACED}`,
      parameters: [{ type: 'VARCHAR', value }],
      resultFormat: 'object',
      context: { sqlTimeZone: 'Etc/UTC' },
    });
    return new Map(rows.map((row) => [String(row.id), Date.parse(String(row.__time))]));
  }
}

function commitHop(committed: number): TraceHop {
  return {
    hop: 'commit',
    status: 'done',
    at: iso(committed),
    sinceCommitMs: 0,
    detail: { table: 'debit_card', column: 'last_withdrawn_at' },
  };
}

function druidHop(id: string, druid: Map<string, number> | undefined): TraceHop {
  if (druid === undefined) {
    return {
      hop: 'druid',
      status: 'unknown',
      at: null,
      sinceCommitMs: null,
      detail: { note: 'Druid did not answer' },
    };
  }
  const time = druid.get(id);
  return {
    hop: 'druid',
    status: time === undefined ? 'pending' : 'done',
    at: null,
    sinceCommitMs: null,
    detail: {
      datasource: DATASOURCE,
      ...(time === undefined ? {} : { __time: iso(time) }),
      note: 'Druid shows whether the row is queryable, not when it was ingested',
    },
  };
}
