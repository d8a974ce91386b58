// GET /pipeline/reconcile: per card, do the write model, the read model and Druid agree?
//   used_limit (debit_card) == baseline (card_baseline, 0 if none) + sum of the statement lines, and
//   Druid's count and sum for the card == the read model's.
// Sums are exact (DECIMAL strings → bigint cents; Druid's longSum of cents cast to VARCHAR). A card
// with withdrawals still in flight is inconsistent until the pipeline is quiet; that is the point.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DATASOURCE, DruidSqlClient } from '../druid/druid-sql.client';
import { decimalToCents, formatCents } from '../common/money';
import { DebitCardEntity } from '../debit-cards/debit-card.entity';
import { CardBaselineEntity } from '../projector/card-baseline.entity';
import { MoneyWithdrawalEntity } from '../projector/money-withdrawal.entity';
import type { ReconcileQuery } from './observability.dto';

export interface Totals {
  count: number;
  sum: string;
}

export interface CardReconciliation {
  debitCardId: string;
  usedLimit: string;
  baseline: string;
  readModel: Totals;
  /** null when Druid did not answer (then the card cannot be called consistent). */
  druid: Totals | null;
  consistent: boolean;
  /** What disagrees, in words (empty when consistent). */
  mismatches: string[];
}

export interface Reconciliation {
  generatedAt: string;
  consistent: boolean;
  druidAvailable: boolean;
  cards: CardReconciliation[];
}

interface DruidRow {
  debitCardId: unknown;
  count: unknown;
  totalMinor: unknown;
}

@Injectable()
export class ReconcileService {
  constructor(
    @InjectRepository(DebitCardEntity) private readonly cards: Repository<DebitCardEntity>,
    @InjectRepository(CardBaselineEntity) private readonly baselines: Repository<CardBaselineEntity>,
    @InjectRepository(MoneyWithdrawalEntity) private readonly lines: Repository<MoneyWithdrawalEntity>,
    private readonly druid: DruidSqlClient,
  ) {}

  async reconcile(query: ReconcileQuery): Promise<Reconciliation> {
    const select = { id: true, usedLimit: true };
    const cards = await this.cards.find(
      query.debitCardId === undefined
        ? { select, order: { id: 'ASC' }, take: query.limit }
        : { select, where: { id: query.debitCardId } },
    );
    const ids = cards.map((card) => card.id);
    if (ids.length === 0) {
      return { generatedAt: new Date().toISOString(), consistent: true, druidAvailable: true, cards: [] };
    }
    const [baselines, lines, druid] = await Promise.all([
      this.baselines.find({
        select: { debitCardId: true, usedLimit: true },
        where: { debitCardId: In(ids) },
      }),
      this.lines
        .createQueryBuilder('line')
        .select('line.debitCardId', 'debitCardId')
        .addSelect('COUNT(*)', 'count')
        .addSelect('SUM(line.amount)', 'total') // DECIMAL: an exact decimal string
        .where('line.debitCardId IN (:...ids)', { ids })
        .groupBy('line.debitCardId')
        .getRawMany<{ debitCardId: string; count: string; total: string }>(),
      this.druidTotals(ids).catch(() => undefined),
    ]);
    const baselineOf = new Map(baselines.map((row) => [row.debitCardId, decimalToCents(row.usedLimit)]));
    const linesOf = new Map(
      lines.map((row) => [row.debitCardId, { count: Number(row.count), cents: decimalToCents(row.total) }]),
    );

    const result = cards.map((card): CardReconciliation => {
      const usedLimit = decimalToCents(card.usedLimit);
      const baseline = baselineOf.get(card.id) ?? 0n;
      const read = linesOf.get(card.id) ?? { count: 0, cents: 0n };
      const olap = druid === undefined ? undefined : (druid.get(card.id) ?? { count: 0, cents: 0n });
      const mismatches: string[] = [];
      if (usedLimit !== baseline + read.cents) {
        mismatches.push('used_limit differs from baseline + read-model sum');
      }
      if (olap === undefined) mismatches.push('Druid did not answer');
      else {
        if (olap.count !== read.count) mismatches.push('Druid count differs from the read model');
        if (olap.cents !== read.cents) mismatches.push('Druid sum differs from the read model');
      }
      return {
        debitCardId: card.id,
        usedLimit: formatCents(usedLimit),
        baseline: formatCents(baseline),
        readModel: { count: read.count, sum: formatCents(read.cents) },
        druid: olap === undefined ? null : { count: olap.count, sum: formatCents(olap.cents) },
        consistent: mismatches.length === 0,
        mismatches,
      };
    });
    return {
      generatedAt: new Date().toISOString(),
      consistent: result.every((card) => card.consistent),
      druidAvailable: druid !== undefined,
      cards: result,
    };
  }

  private async druidTotals(ids: string[]): Promise<Map<string, { count: number; cents: bigint }>> {
    const rows = await this.druid.query<DruidRow>({
      query:
        `SELECT "debitCardId", COUNT(*) AS "count", CAST(SUM("amountMinor") AS VARCHAR) AS "totalMinor" ` +
        `FROM "${DATASOURCE}" WHERE "debitCardId" IN (${ids.map(() => '?').join(', ')}) GROUP BY 1`,
      parameters: ids.map((value) => ({ type: 'VARCHAR', value })),
      resultFormat: 'object',
      context: { sqlTimeZone: 'Etc/UTC' },
    });
    return new Map(
      rows.map((row) => [
        String(row.debitCardId),
        { count: Number(row.count), cents: BigInt(String(row.totalMinor)) },
      ]),
    );
  }
}
