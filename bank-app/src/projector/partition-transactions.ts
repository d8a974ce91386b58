// One transactional producer per partition of `debit_card`, with transactionalId `<group>.<partition>`.
// Whoever owns a partition initialises that producer, which fences every older owner: a projector that
// was paused (SIGSTOP) past its session timeout and wakes up cannot commit any more. Initialising also
// aborts a transaction the previous owner left open (killed mid-batch) and waits until that is done;
// then the owner reads the partition's committed offset, because the old owner may have committed after
// our consumer fetched its start offset. Events below that offset are already published and must not
// be published again.
//
// That read must be *stable*: the group coordinator applies a transaction's offsets a moment after the
// transaction completes, and a plain OffsetFetch can still return the previous offset (stable-offsets.ts
// measures it and asks with `require_stable` instead). Every rebalance drops every writer, so the first
// batch after it opens a fresh one: fencing, waiting and reading again.
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { linearBackoff, retry } from '../common/retry';
import type { KafkaAdmin } from '../kafka/kafka-admin';
import { CHANGE_TOPIC, DLQ_TOPIC, MINISTATEMENT_TOPIC } from '../kafka/kafka.topics';
import { fetchStableOffsets } from './stable-offsets';

/**
 * The longest a transaction may stay open (kafkajs' default, stated here): the broker aborts one whose
 * owner died only after this long. New owners do not wait for it: opening a writer aborts it at once.
 */
export const TRANSACTION_TIMEOUT_MS = 60_000;

// Right after a commit, the coordinator is still writing that transaction's markers, and the next
// batch's first AddPartitionsToTxn or AddOffsetsToTxn is answered CONCURRENT_TRANSACTIONS until it is
// done: usually a few milliseconds. Java's producer retries that after 20 ms (KAFKA-5477); kafkajs
// waits its general backoff (300 ms, then doubling) for a send and does not retry sendOffsets at all.
/** The first backoff of the producer's retries (its count stays kafkajs' unlimited for idempotence). */
const PRODUCER_INITIAL_RETRY_MS = 20;
/** Attempts of sendOffsets while the previous transaction is completing (20, 40, … ms apart). */
const SEND_OFFSETS_ATTEMPTS = 8;

/** Runs `operation` again, after a short pause, while the coordinator answers CONCURRENT_TRANSACTIONS. */
export function retryConcurrentTransactions<T>(
  operation: () => Promise<T>,
  attempts: number,
  pauseMs = PRODUCER_INITIAL_RETRY_MS,
): Promise<T> {
  return retry(operation, {
    attempts,
    backoff: linearBackoff(pauseMs),
    retriable: (error) => (error as { type?: unknown }).type === 'CONCURRENT_TRANSACTIONS',
  });
}

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

/**
 * The lines of `debit_card` partition p go to `ministatement` partition p, so each `ministatement`
 * partition is written by exactly one transactional id (`<group>.<p>`): its aborted transactions come
 * one after another from that one producer and never interleave with another's, which every
 * read_committed client skips exactly (kafkajs 2.2.4 does not when several producers interleave in a
 * partition). A card's lines keep their order: all of its change events sit in one `debit_card`
 * partition. So the two topics must have the same number of partitions.
 */
export function checkPartitionCounts(changeTopicPartitions: number, ministatementPartitions: number): void {
  if (changeTopicPartitions > 0 && changeTopicPartitions === ministatementPartitions) return;
  throw new Error(
    `topic ${MINISTATEMENT_TOPIC} has ${ministatementPartitions} partition(s) and ${CHANGE_TOPIC} ` +
      `${changeTopicPartitions}: the projector writes the lines of ${CHANGE_TOPIC} partition p to ` +
      `${MINISTATEMENT_TOPIC} partition p, so the counts must be equal. Delete ${MINISTATEMENT_TOPIC} and ` +
      'the Druid datasource built from it, then run `npm run register` (docs/messages.md).',
  );
}

class PartitionWriter {
  private constructor(
    readonly partition: number,
    private readonly producer: Producer,
    /** Events below this offset are published; it moves with each of this writer's commits. */
    public committedOffset: bigint,
  ) {}

  static async open(
    kafka: Kafka,
    admin: KafkaAdmin,
    brokers: string[],
    groupId: string,
    partition: number,
  ): Promise<PartitionWriter> {
    const producer = kafka.producer({
      transactionalId: `${groupId}.${partition}`,
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      idempotent: true,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: PRODUCER_INITIAL_RETRY_MS },
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner, // unused: every message names its partition
    });
    await producer.connect();
    try {
      // kafkajs initialises the transactional id (InitProducerId: new epoch, fencing, aborting the old
      // owner's open transaction) only in its first transaction(), not in connect(). Until then the
      // offset read below would wait for that open transaction to time out, and a paused old owner
      // could still commit after it; so begin one now and abort it (empty: nothing is sent).
      await (await producer.transaction()).abort();
      const [offsets, metadata] = await Promise.all([
        fetchStableOffsets({ brokers, clientId: `${groupId}.${partition}` }, groupId, CHANGE_TOPIC, [
          partition,
        ]),
        admin.use((client) => client.fetchTopicMetadata({ topics: [CHANGE_TOPIC, MINISTATEMENT_TOPIC] })),
      ]);
      const partitionsOf = (topic: string) =>
        metadata.topics.find((entry) => entry.name === topic)?.partitions.length ?? 0;
      checkPartitionCounts(partitionsOf(CHANGE_TOPIC), partitionsOf(MINISTATEMENT_TOPIC));
      const committed = offsets.get(partition) ?? -1n;
      return new PartitionWriter(partition, producer, committed < 0n ? 0n : committed);
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Sends the batch's messages and commits the consumer offset, atomically. Returns where each
   * `ministatement` message landed, in the order given.
   */
  async commit(groupId: string, output: BatchOutput, beforeCommit?: () => void): Promise<RecordPosition[]> {
    const transaction = await this.producer.transaction();
    try {
      const messages = output.ministatement.map((message) => ({ ...message, partition: this.partition }));
      const positions: RecordPosition[] = [];
      if (messages.length > 0) {
        const sent = await transaction.send({ topic: MINISTATEMENT_TOPIC, messages });
        // One record batch, its offsets consecutive from baseOffset, in send order.
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
      await retryConcurrentTransactions(
        () =>
          transaction.sendOffsets({
            consumerGroupId: groupId,
            topics: [
              { topic: CHANGE_TOPIC, partitions: [{ partition: this.partition, offset: output.nextOffset }] },
            ],
          }),
        SEND_OFFSETS_ATTEMPTS,
      );
      beforeCommit?.(); // the fault tests' hook: everything is sent, nothing committed
      await transaction.commit();
      this.committedOffset = BigInt(output.nextOffset);
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

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: KafkaAdmin,
    private readonly brokers: string[],
    private readonly groupId: string,
  ) {}

  writer(partition: number): Promise<PartitionWriter> {
    let writer = this.writers.get(partition);
    if (!writer) {
      writer = PartitionWriter.open(this.kafka, this.admin, this.brokers, this.groupId, partition);
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
   * Drops every writer; called on each rebalance (a partition we keep may have had another owner
   * meanwhile). The map is cleared at once, so any batch from now on opens a fresh writer; the old
   * producers are closed in the background.
   */
  closeAll(): Promise<void> {
    return Promise.all([...this.writers.keys()].map((partition) => this.discard(partition))).then(
      () => undefined,
    );
  }
}
