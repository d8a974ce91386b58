// One transactional producer per partition of `debit_card`, with transactionalId `<group>.<partition>`.
// Whoever owns a partition initialises that producer, which fences every older owner: a projector that
// was paused (SIGSTOP) past its session timeout and wakes up cannot commit any more. After fencing, the
// owner re-reads the partition's committed offset, because the old owner may have committed between our
// consumer's offset fetch and our fencing; events below it are already done.
import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';

export const CHANGE_TOPIC = 'debit_card';
export const MINISTATEMENT_TOPIC = 'ministatement';
export const DLQ_TOPIC = 'debit_card.dlq';

/** Everything one batch sends: statement messages, dead letters, and the next offset to consume. */
export interface BatchOutput {
  ministatement: Message[];
  deadLetters: Message[];
  nextOffset: string;
}

class PartitionWriter {
  private constructor(
    readonly partition: number,
    private readonly producer: Producer,
    /** Events below this offset were committed by an earlier owner of the partition. */
    readonly committedOffset: bigint,
  ) {}

  static async open(
    kafka: Kafka,
    admin: Admin,
    groupId: string,
    partition: number,
  ): Promise<PartitionWriter> {
    const producer = kafka.producer({
      transactionalId: `${groupId}.${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      // Java's murmur2 partitioning: a card's messages land where any Kafka client would put them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect(); // InitProducerId: bumps the epoch, fencing any other holder of this id
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [CHANGE_TOPIC] });
      const committed = offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
      return new PartitionWriter(partition, producer, BigInt(committed === '-1' ? '0' : committed));
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Sends the batch's messages and commits the consumer offset, atomically. */
  async commit(groupId: string, output: BatchOutput): Promise<void> {
    const transaction = await this.producer.transaction();
    try {
      if (output.ministatement.length > 0) {
        await transaction.send({ topic: MINISTATEMENT_TOPIC, messages: output.ministatement });
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

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly groupId: string,
  ) {}

  writer(partition: number): Promise<PartitionWriter> {
    let writer = this.writers.get(partition);
    if (!writer) {
      writer = PartitionWriter.open(this.kafka, this.admin, this.groupId, partition);
      this.writers.set(partition, writer);
      writer.catch(() => this.writers.delete(partition));
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

  /** Keeps only the writers of the partitions assigned to us after a rebalance. */
  async retain(assigned: number[]): Promise<void> {
    const revoked = [...this.writers.keys()].filter((partition) => !assigned.includes(partition));
    await Promise.all(revoked.map((partition) => this.discard(partition)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.writers.keys()].map((partition) => this.discard(partition)));
  }
}
