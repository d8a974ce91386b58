// The app's one Kafka admin connection, shared by everything that asks Kafka about topics and groups:
// readiness and /pipeline/status (is the cluster answering, how far behind is the projector's group),
// /metrics (the same lag), the projector (the partition counts it checks before writing) and the
// rebuild. Connected lazily, and re-made after any failure: a broker that went away leaves the client
// in an unknown state. Its client has short timeouts and few, quick retries (KafkaModule), and the
// health questions are bounded by HEALTH_CHECK_TIMEOUT_MS, so a broker outage is reported rather than
// waited out.
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app-config';

/**
 * The kafkajs client the admin connection is made from: the app's settings, with the admin's own
 * timeouts and retries (kafkajs sets those per client, and the projector's need to be patient).
 */
export const KAFKA_ADMIN_CLIENT = Symbol('KAFKA_ADMIN_CLIENT');

export interface PartitionLag {
  partition: number;
  /** Next offset the group will read (-1: nothing committed yet). */
  committed: string;
  /** The partition's high watermark. */
  end: string;
  lag: number;
}

@Injectable()
export class KafkaAdmin implements OnApplicationShutdown {
  private admin?: Promise<Admin>;
  private closed = false;
  private readonly healthTimeoutMs: number;

  // Explicit tokens: the rebuild CLI runs under tsx, whose compiler emits no decorator metadata.
  constructor(
    @Inject(KAFKA_ADMIN_CLIENT) private readonly kafka: Kafka,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.healthTimeoutMs = config.health.checkTimeoutMs;
  }

  /** The brokers the cluster reports (throws when Kafka does not answer in time). */
  async brokers(): Promise<number> {
    const cluster = await this.use((admin) => admin.describeCluster(), this.healthTimeoutMs);
    return cluster.brokers.length;
  }

  /** Per-partition lag of a consumer group on a topic: high watermark minus committed offset. */
  groupLag(groupId: string, topic: string): Promise<PartitionLag[]> {
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
    }, this.healthTimeoutMs);
  }

  /**
   * Runs `action` on the connected admin (connecting it first if need be). Any failure, a timeout
   * included, drops the connection; the next call makes a new one.
   */
  async use<T>(action: (admin: Admin) => Promise<T>, timeoutMs?: number): Promise<T> {
    if (this.closed) throw new Error('the Kafka admin client is closed (the app is shutting down)');
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const pending = this.admin;
    try {
      const running = pending.then(action);
      return await (timeoutMs === undefined ? running : withTimeout(running, timeoutMs, 'Kafka'));
    } catch (error) {
      if (this.admin === pending) this.admin = undefined;
      await pending.then((admin) => admin.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }
}
