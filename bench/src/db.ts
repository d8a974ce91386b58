// The bench's own connection to the database (the app's user: DML only), for the bench cards, the
// durability settings it records, server counters around a run and the freshness read-out.
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { database, host, ports } from '../../stack/src/settings';

export function openDb(): Pool {
  return createPool({
    host,
    port: ports.mariadb.port,
    database: database.name,
    user: database.app.user,
    password: database.app.password,
    connectionLimit: 2,
    timezone: 'Z',
    connectTimeout: 5000,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
}

export async function serverVariables(db: Pool, names: string[]): Promise<Record<string, string>> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_VARIABLES
      WHERE VARIABLE_NAME IN (?)`,
    [names.map((name) => name.toUpperCase())],
  );
  return Object.fromEntries(rows.map((row) => [String(row.name).toLowerCase(), String(row.value)]));
}

/** Server-wide counters; their difference over a run gives statements and commits per withdrawal. */
const COUNTERS = ['Questions', 'Com_commit', 'Binlog_commits', 'Binlog_group_commits'] as const;
export type Counters = Record<(typeof COUNTERS)[number], number>;

export async function serverCounters(db: Pool): Promise<Counters> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS
      WHERE VARIABLE_NAME IN (?)`,
    [COUNTERS.map((name) => name.toUpperCase())],
  );
  const byName = new Map(rows.map((row) => [String(row.name).toLowerCase(), Number(row.value)]));
  return Object.fromEntries(COUNTERS.map((name) => [name, byName.get(name.toLowerCase()) ?? 0])) as Counters;
}

export function counterDelta(before: Counters, after: Counters): Counters {
  return Object.fromEntries(
    Object.keys(before).map((name) => [name, after[name as keyof Counters] - before[name as keyof Counters]]),
  ) as Counters;
}
