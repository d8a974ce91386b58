// Counters of the projector, read by /pipeline/status and /metrics.
import { Injectable } from '@nestjs/common';
import type { Withdrawal } from './debezium-envelope';
import type { RecordPosition } from './partition-transactions';

/**
 * Told about each committed batch: the withdrawals it published, where each landed in `ministatement`
 * (same order), and when its Kafka transaction committed (epoch ms). Used by /metrics (latency
 * histogram) and /pipeline/trace; must not throw.
 */
export type PublishObserver = (
  published: readonly Withdrawal[],
  publishedAt: number,
  positions: readonly RecordPosition[],
) => void;

/** What one committed batch did. */
export interface BatchRecord {
  events: number;
  published: Withdrawal[];
  positions: RecordPosition[];
  duplicates: number;
  deadLettered: number;
}

@Injectable()
export class ProjectorStats {
  running = false;
  restarts = 0;
  retries = 0;
  eventsProcessed = 0;
  withdrawalsPublished = 0;
  duplicatesSkipped = 0;
  deadLettered = 0;
  /** Milliseconds from the database commit of the last published withdrawal to its projection. */
  lastCommitToProjectedMs?: number;
  lastBatchAt?: Date;
  databaseCommitsBeforeFault?: number;
  private readonly publishObservers: PublishObserver[] = [];

  onPublished(observer: PublishObserver): void {
    this.publishObservers.push(observer);
  }

  recordBatch({ events, published, positions, duplicates, deadLettered }: BatchRecord): void {
    const now = Date.now();
    this.eventsProcessed += events;
    this.withdrawalsPublished += published.length;
    this.duplicatesSkipped += duplicates;
    this.deadLettered += deadLettered;
    this.lastBatchAt = new Date(now);
    const last = published.at(-1);
    if (last) this.lastCommitToProjectedMs = now - new Date(last.transactionDate).getTime();
    if (published.length > 0)
      for (const observer of this.publishObservers) observer(published, now, positions);
  }
}
