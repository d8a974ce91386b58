// The Druid SQL behind GET /analytics/*. The SQL text is made of constants only: values a client
// sends travel as typed parameters (`?`), and the granularity picks one of three fixed TIME_FLOOR
// periods. Sums are cast to VARCHAR in Druid so that the exact 64-bit total reaches us as digits,
// never through a JSON double.
import { DATASOURCE, type DruidSqlParameter, type DruidSqlRequest } from '../druid/druid-sql.client';
import type { Granularity, TopCardsQuery, WithdrawalsQuery } from './analytics.dto';

/** The whitelist from the API's granularity to Druid's ISO-8601 period. */
export const BUCKET_PERIODS: Record<Granularity, 'PT1M' | 'PT1H' | 'P1D'> = {
  minute: 'PT1M',
  hour: 'PT1H',
  day: 'P1D',
};

function request(query: string, parameters: DruidSqlParameter[]): DruidSqlRequest {
  return {
    query,
    parameters,
    resultFormat: 'object',
    context: {
      sqlTimeZone: 'Etc/UTC', // buckets and parameters are UTC whatever the broker's default
      // A query ordered by a metric with a LIMIT would otherwise become an approximate TopN.
      useApproximateTopN: false,
    },
  };
}

const timestamp = (millis: number): DruidSqlParameter => ({ type: 'TIMESTAMP', value: millis });

/** Rows: { bucket: ISO-8601 string, count: number, totalMinor: digits }. */
export function withdrawalsSql(query: WithdrawalsQuery): DruidSqlRequest {
  const period = BUCKET_PERIODS[query.granularity];
  const conditions = ['__time >= ?', '__time < ?'];
  const parameters = [timestamp(query.from), timestamp(query.to)];
  if (query.debitCardId !== undefined) {
    conditions.push('"debitCardId" = ?');
    parameters.push({ type: 'VARCHAR', value: query.debitCardId });
  }
  return request(
    `SELECT TIME_FLOOR(__time, '${period}') AS "bucket", COUNT(*) AS "count", ` +
      `CAST(SUM("amountMinor") AS VARCHAR) AS "totalMinor" ` +
      `FROM "${DATASOURCE}" WHERE ${conditions.join(' AND ')} ` +
      `GROUP BY 1 ORDER BY 1`,
    parameters,
  );
}

/** Rows: { debitCardId, count: number, totalMinor: digits }, largest total first. */
export function topCardsSql(query: TopCardsQuery): DruidSqlRequest {
  const conditions: string[] = [];
  const parameters: DruidSqlParameter[] = [];
  if (query.from !== undefined) {
    conditions.push('__time >= ?');
    parameters.push(timestamp(query.from));
  }
  if (query.to !== undefined) {
    conditions.push('__time < ?');
    parameters.push(timestamp(query.to));
  }
  parameters.push({ type: 'INTEGER', value: query.limit });
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')} ` : '';
  return request(
    `SELECT "debitCardId", COUNT(*) AS "count", CAST(SUM("amountMinor") AS VARCHAR) AS "totalMinor" ` +
      `FROM "${DATASOURCE}" ${where}` +
      // The card id breaks ties, so equal totals come back in a stable order.
      `GROUP BY "debitCardId" ORDER BY SUM("amountMinor") DESC, "debitCardId" LIMIT ?`,
    parameters,
  );
}
