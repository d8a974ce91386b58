// Direct database access for assertions and set-up that the API must not offer (reading the row as
// stored, holding a user lock, planting an expired idempotency record). Uses the migrator user.
import { createPool, Pool, RowDataPacket } from 'mysql2/promise';
import { loadAppConfig } from '../../src/config/app-config';

export function openTestDb(): Pool {
  const { host, port, name, migrator } = loadAppConfig().database;
  return createPool({
    host,
    port,
    database: name,
    user: migrator.user,
    password: migrator.password,
    connectionLimit: 4,
    timezone: 'Z',
    connectTimeout: 2000,
  });
}

export interface CardRow {
  id: string;
  initial_limit: string;
  used_limit: string;
  version: string;
  last_withdrawal_id: string | null;
  last_request_id: string | null;
  last_withdrawn_at: Date | null;
}

/** The card exactly as stored (DECIMAL and BIGINT as strings), or undefined. */
export async function readCardRow(db: Pool, id: string): Promise<CardRow | undefined> {
  const [rows] = await db.query<(CardRow & RowDataPacket)[]>(
    `SELECT id, initial_limit, used_limit, CAST(version AS CHAR) AS version,
            last_withdrawal_id, last_request_id, last_withdrawn_at
       FROM debit_card WHERE id = ?`,
    [id],
  );
  return rows[0];
}
