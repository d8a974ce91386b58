// A Kafka admin client for health and status only: is the cluster answering, and how far behind is
// the projector's consumer group. Short timeouts and few, quick retries (kafkajs needs one now and
// then while it refreshes metadata), so a broker outage is reported rather than waited out; the
// connection is made lazily and re-made after any failure.
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { AppConfig } from '../config/app-config';

export interface PartitionLag {
  partition: number;
  /** Next offset the group will read (-1: nothing committed yet). */
  committed: string;
  /** The partition's high watermark. */
  end: string;
  lag: number;
}

@Injectable()
export class KafkaHealthClient implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(config: AppConfig) {
    this.kafka = new Kafka({
      clientId: 'bank-app-health',
      brokers: config.kafka.brokers,
      connectionTimeout: Math.min(1000, config.health.checkTimeoutMs),
      requestTimeout: config.health.checkTimeoutMs,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      logLevel: logLevel.NOTHING,
    });
  }

  /** The brokers the cluster reports (throws when Kafka does not answer). */
  async brokers(): Promise<number> {
    const cluster = await this.use((admin) => admin.describeCluster());
    return cluster.brokers.length;
  }

  /** Per-partition lag of a consumer group on a topic: high watermark minus committed offset. */
  async groupLag(groupId: string, topic: string): Promise<PartitionLag[]> {
    return this.use(async (admin) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return ends.map(({ partition, high, low }) => {
        const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
        // Nothing committed yet: the group will start at the log start (it reads from the beginning).
        const from = BigInt(offset) < 0n ? BigInt(low) : BigInt(offset);
        const lag = BigInt(high) > from ? Number(BigInt(high) - from) : 0;
        return { partition, committed: offset, end: high, lag };
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  private async use<T>(action: (admin: Admin) => Promise<T>): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const pending = this.admin;
    try {
      return await action(await pending);
    } catch (error) {
      // Start afresh next time: a broker that went away leaves the client in an unknown state.
      if (this.admin === pending) this.admin = undefined;
      await pending.then((admin) => admin.disconnect()).catch(() => undefined);
      throw error;
    }
  }
}
