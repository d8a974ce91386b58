// Deletes expired Idempotency-Key records. Correctness does not depend on it (an expired record is
// never replayed, see IdempotencyService); it only keeps the table small. Every instance runs it; the
// DELETEs are bounded so none holds locks for long, and running twice at once is harmless.
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const CLEANUP_INTERVAL_MS = 60_000;
const BATCH_SIZE = 1000;
/** At most this many batches per run; the rest waits for the next interval. */
const MAX_BATCHES_PER_RUN = 10;

@Injectable()
export class IdempotencyCleaner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyCleaner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      // Skip a tick rather than overlap a slow run.
      this.running ??= this.cleanUp().finally(() => (this.running = undefined));
    }, CLEANUP_INTERVAL_MS);
    this.timer.unref(); // never keeps the process alive on its own
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running; // let a running DELETE finish before the pool closes
  }

  /** Deletes expired records in bounded batches; returns how many. Logs instead of throwing. */
  async cleanUp(): Promise<number> {
    let deleted = 0;
    try {
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
        const { affectedRows } = await this.dataSource.query<{ affectedRows: number }>(
          `DELETE FROM idempotency_key WHERE expires_at <= CURRENT_TIMESTAMP(6) ORDER BY expires_at LIMIT ${BATCH_SIZE}`,
        );
        deleted += affectedRows;
        if (affectedRows < BATCH_SIZE) break;
      }
    } catch (error) {
      // The database may be down; the next run tries again.
      this.logger.warn(
        `idempotency clean-up failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (deleted > 0) this.logger.log(`deleted ${deleted} expired idempotency keys`);
    return deleted;
  }
}
