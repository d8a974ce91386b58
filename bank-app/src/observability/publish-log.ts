// In memory, per instance: when this instance's projector published each recent withdrawal to
// `ministatement` (the commit of its Kafka transaction) and at which partition and offset. Backs the
// ministatement step of /pipeline/trace and the lags of /pipeline/status. Bounded; lost on restart,
// and a withdrawal projected by another instance is not here (the trace says so).
import { Injectable } from '@nestjs/common';
import { ProjectorStats } from '../projector/projector.stats';

export const PUBLISH_LOG_SIZE = 10_000;

export interface PublishedWithdrawal {
  id: string;
  debitCardId: string;
  transactionDate: string;
  requestId: string | null;
  /** Epoch ms of the Kafka transaction's commit. */
  publishedAt: number;
  partition: number;
  offset: string;
}

@Injectable()
export class PublishLog {
  private readonly entries = new Map<string, PublishedWithdrawal>();

  constructor(stats: ProjectorStats) {
    stats.onPublished((published, publishedAt, positions) => {
      for (const [index, withdrawal] of published.entries()) {
        this.entries.delete(withdrawal.id); // a replay moves it to the end
        this.entries.set(withdrawal.id, {
          id: withdrawal.id,
          debitCardId: withdrawal.debitCardId,
          transactionDate: withdrawal.transactionDate,
          requestId: withdrawal.requestId,
          publishedAt,
          partition: positions[index]?.partition ?? -1,
          offset: positions[index]?.offset ?? '-1',
        });
      }
      for (const id of this.entries.keys()) {
        if (this.entries.size <= PUBLISH_LOG_SIZE) break;
        this.entries.delete(id);
      }
    });
  }

  get(id: string): PublishedWithdrawal | undefined {
    return this.entries.get(id);
  }

  /** The most recently published withdrawals, newest first. */
  recent(count: number): PublishedWithdrawal[] {
    return [...this.entries.values()].slice(-count).reverse();
  }
}
