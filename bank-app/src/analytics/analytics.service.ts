// GET /analytics/*: runs the Druid SQL and turns Druid's rows into the API's shape. Totals come from
// Druid as the exact sum of `amountMinor` (cents, as digits) and leave as decimal strings ("12.50").
import { Injectable } from '@nestjs/common';
import { formatCents } from '../common/money';
import { topCardsSql, withdrawalsSql } from './analytics.queries';
import type { TopCardsQuery, WithdrawalsQuery } from './analytics.dto';
import { DruidQueryError, DruidSqlClient } from '../druid/druid-sql.client';

export interface WithdrawalBucket {
  /** Start of the bucket, ISO-8601 UTC. */
  bucket: string;
  count: number;
  /** Sum of the amounts, two fraction digits. */
  total: string;
}

export interface CardTotal {
  debitCardId: string;
  count: number;
  total: string;
}

interface BucketRow {
  bucket: unknown;
  count: unknown;
  totalMinor: unknown;
}

interface CardRow {
  debitCardId: unknown;
  count: unknown;
  totalMinor: unknown;
}

function count(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DruidQueryError(`unexpected count from Druid: ${JSON.stringify(value)}`, false);
  }
  return value;
}

function total(value: unknown): string {
  // CAST(SUM(...) AS VARCHAR) gives digits; a sum over no rows is null (cannot happen per group).
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) {
    throw new DruidQueryError(`unexpected sum from Druid: ${JSON.stringify(value)}`, false);
  }
  return formatCents(BigInt(value));
}

function bucket(value: unknown): string {
  const millis = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(millis)) {
    throw new DruidQueryError(`unexpected bucket from Druid: ${JSON.stringify(value)}`, false);
  }
  return new Date(millis).toISOString();
}

@Injectable()
export class AnalyticsService {
  constructor(private readonly druid: DruidSqlClient) {}

  /** Withdrawals per time bucket, oldest first; buckets without withdrawals are absent. */
  async withdrawals(query: WithdrawalsQuery): Promise<WithdrawalBucket[]> {
    const rows = await this.druid.query<BucketRow>(withdrawalsSql(query));
    return rows.map((row) => ({
      bucket: bucket(row.bucket),
      count: count(row.count),
      total: total(row.totalMinor),
    }));
  }

  /** Cards by total withdrawn, largest first (ties by card id). */
  async topCards(query: TopCardsQuery): Promise<CardTotal[]> {
    const rows = await this.druid.query<CardRow>(topCardsSql(query));
    return rows.map((row) => {
      if (typeof row.debitCardId !== 'string') {
        throw new DruidQueryError(`unexpected card id from Druid: ${JSON.stringify(row.debitCardId)}`, false);
      }
      return { debitCardId: row.debitCardId, count: count(row.count), total: total(row.totalMinor) };
    });
  }
}
