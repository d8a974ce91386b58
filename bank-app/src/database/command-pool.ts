// The command side's own connection pool: plain mysql2 (promise API) rather than TypeORM, with
// multiple statements per round trip. A keyed withdrawal is a short conversation with the database
// (lock, begin, look up the key, lock and read the card, update, store the response, commit, unlock);
// sending it in 2 round trips instead of 8, and those of many withdrawals together
// (IdempotencyService), is most of the command's speed (see docs/benchmarks.md). Every value still
// travels as a `?` placeholder that mysql2 escapes; no statement text is ever built from input.
//
// Same user, session set-up, connection settings, size and queue bound as TypeORM's pool
// (data-source-options.ts), which serves everything else (reads, the projector, health checks).
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { AppConfig } from '../config/app-config';
import { CONNECTION_SETTINGS, createSessionPool } from './data-source-options';

@Injectable()
export class CommandPool implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    const db = config.database;
    this.pool = createSessionPool({
      host: db.host,
      port: db.port,
      database: db.name,
      user: db.app.user,
      password: db.app.password,
      ...CONNECTION_SETTINGS,
      multipleStatements: true,
      // mysql2's promise API otherwise captures a stack trace on every query (for its error
      // messages): a visible share of the app's CPU under load (docs/benchmarks.md), for stacks that
      // are never shown anyway.
      trace: false,
      connectionLimit: db.poolSize,
      queueLimit: db.poolQueueLimit, // a full queue fails fast with "Queue limit reached." (503)
      waitForConnections: true,
    }).promise();
  }

  /**
   * Runs `work` on one connection. If `work` fails, the connection may still hold an open
   * transaction or a user lock, so it is destroyed rather than returned: the server then rolls back
   * and releases everything it held.
   */
  async withConnection<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      const result = await work(connection);
      connection.release();
      return result;
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Nest calls this after the HTTP server has finished its in-flight requests.
    await this.pool.end().catch(() => undefined);
  }
}
