// One transactional producer per partition of `debit_card`, with transactionalId `<group>.<partition>`.
// Whoever owns a partition initialises that producer, which fences every older owner: a projector that
// was paused (SIGSTOP) past its session timeout and wakes up cannot commit any more. Initialising also
// waits until the previous transaction of that id is complete; then the owner re-reads the partition's
// committed offset, because the old owner may have committed after our consumer fetched its start
// offset. Events below that offset are already published and must not be published again.
//
// The group's committed offset can lag behind a transaction that has just completed: the group
// coordinator applies transactional offsets when the commit marker reaches it, and after a broker
// restart it reloads them. A batch can then be delivered again (after a rebalance), or re-read by a
// retry. So this process also remembers how far its own commits reached in each partition, and a
// writer starts from the larger of the two; every rebalance drops every writer, so the next batch
// opens a fresh one (fencing, waiting, re-reading).
import {
  Partitioners,
  type Admin,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';

export const CHANGE_TOPIC = 'debit_card';
export const MINISTATEMENT_TOPIC = 'ministatement';
export const DLQ_TOPIC = 'debit_card.dlq';

/** Everything one batch sends: statement messages, dead letters, and the next offset to consume. */
export interface BatchOutput {
  ministatement: Message[];
  deadLetters: Message[];
  nextOffset: string;
}

/** Where a message landed in its topic. */
export interface RecordPosition {
  partition: number;
  offset: string;
}

// Java's murmur2 partitioning (Kafka's default for keyed records): a card's messages land where any
// Kafka client would put them. Applied here rather than inside send(), so each message's partition is
// known and its offset can be told from the produce response (trace and lag use it).
const keyPartitioner = Partitioners.DefaultPartitioner();

/** What the partitioner reads of a topic's metadata: for a keyed message, only the partition count. */
const metadataByCount = new Map<number, PartitionMetadata[]>();

/** The partition Kafka's default partitioner picks for `key` in a topic of `partitionCount` partitions. */
export function partitionForKey(topic: string, key: string, partitionCount: number): number {
  let partitionMetadata = metadataByCount.get(partitionCount);
  if (partitionMetadata === undefined) {
    partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    metadataByCount.set(partitionCount, partitionMetadata);
  }
  return keyPartitioner({ topic, partitionMetadata, message: { key, value: null } });
}

class PartitionWriter {
  private constructor(
    readonly partition: number,
    private readonly producer: Producer,
    /** The group's committed offset when this writer was opened (after fencing). */
    private readonly groupOffset: bigint,
    /** Shared by this process's writers: how far our own commits reached, per partition. */
    private readonly reached: Map<number, bigint>,
    private readonly ministatementPartitions: number,
  ) {}

  /** Events below this offset are published: by an earlier owner, or by this process. */
  get committedOffset(): bigint {
    const ours = this.reached.get(this.partition) ?? 0n;
    return ours > this.groupOffset ? ours : this.groupOffset;
  }

  static async open(
    kafka: Kafka,
    admin: Admin,
    groupId: string,
    partition: number,
    reached: Map<number, bigint>,
  ): Promise<PartitionWriter> {
    const producer = kafka.producer({
      transactionalId: `${groupId}.${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner, // unused: every message names its partition
    });
    await producer.connect(); // InitProducerId: bumps the epoch, fencing any other holder of this id
    try {
      const [[offsets], metadata] = await Promise.all([
        admin.fetchOffsets({ groupId, topics: [CHANGE_TOPIC] }),
        admin.fetchTopicMetadata({ topics: [MINISTATEMENT_TOPIC] }),
      ]);
      const committed = offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
      const ministatementPartitions = metadata.topics[0]?.partitions.length ?? 0;
      if (ministatementPartitions === 0) throw new Error(`topic ${MINISTATEMENT_TOPIC} has no partitions`);
      return new PartitionWriter(
        partition,
        producer,
        BigInt(committed === '-1' ? '0' : committed),
        reached,
        ministatementPartitions,
      );
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Sends the batch's messages and commits the consumer offset, atomically. Returns where each
   * `ministatement` message landed, in the order given.
   */
  async commit(groupId: string, output: BatchOutput): Promise<RecordPosition[]> {
    const transaction = await this.producer.transaction();
    try {
      const messages = output.ministatement.map((message) => ({
        ...message,
        partition: partitionForKey(MINISTATEMENT_TOPIC, String(message.key), this.ministatementPartitions),
      }));
      const positions: RecordPosition[] = [];
      if (messages.length > 0) {
        const sent = await transaction.send({ topic: MINISTATEMENT_TOPIC, messages });
        // One record batch per partition, its offsets consecutive from baseOffset, in send order.
        const next = new Map(sent.map((entry) => [entry.partition, BigInt(entry.baseOffset ?? '-1')]));
        for (const { partition } of messages) {
          const offset = next.get(partition) ?? -1n;
          positions.push({ partition, offset: offset.toString() });
          if (offset >= 0n) next.set(partition, offset + 1n);
        }
      }
      if (output.deadLetters.length > 0) {
        await transaction.send({ topic: DLQ_TOPIC, messages: output.deadLetters });
      }
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [
          { topic: CHANGE_TOPIC, partitions: [{ partition: this.partition, offset: output.nextOffset }] },
        ],
      });
      await transaction.commit();
      const next = BigInt(output.nextOffset);
      if (next > (this.reached.get(this.partition) ?? 0n)) this.reached.set(this.partition, next);
      return positions;
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect().catch(() => undefined);
  }
}

/** The writers of the partitions this instance currently owns. */
export class PartitionTransactions {
  private readonly writers = new Map<number, Promise<PartitionWriter>>();
  /** How far this process's own commits reached, per partition (outlives the writers). */
  private readonly reached = new Map<number, bigint>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly groupId: string,
  ) {}

  writer(partition: number): Promise<PartitionWriter> {
    let writer = this.writers.get(partition);
    if (!writer) {
      writer = PartitionWriter.open(this.kafka, this.admin, this.groupId, partition, this.reached);
      this.writers.set(partition, writer);
      const opening = writer;
      opening.catch(() => {
        if (this.writers.get(partition) === opening) this.writers.delete(partition);
      });
    }
    return writer;
  }

  /**
   * After any failure the writer is dropped: the next attempt opens a new one, which aborts whatever
   * transaction was left open, fences, and re-reads the committed offset.
   */
  async discard(partition: number): Promise<void> {
    const writer = this.writers.get(partition);
    this.writers.delete(partition);
    if (writer) await (await writer.catch(() => undefined))?.close();
  }

  /**
   * Drops every writer (see the header comment); called on each rebalance. The map is cleared at once,
   * so any batch from now on opens a fresh writer; the old producers are closed in the background.
   */
  closeAll(): Promise<void> {
    return Promise.all([...this.writers.keys()].map((partition) => this.discard(partition))).then(
      () => undefined,
    );
  }
}
