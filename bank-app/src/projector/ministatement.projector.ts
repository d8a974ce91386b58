// The projector: consumes Debezium's `debit_card` change events, writes each withdrawal once into the
// read model, and republishes it to `ministatement`. Exactly-once in effect:
//   1. one INSERT IGNORE per batch writes the lines, keyed by (card, version), with the offset of the
//      event that created each (read-model.repository.ts decides replay vs duplicate);
//   2. one Kafka transaction per batch publishes the lines and dead letters and commits the consumer
//      offset (partition-transactions.ts, which also fences older owners of the partition).
// A crash between 1 and 2 replays the batch: its lines exist with the same offsets and are published
// again, while the aborted Kafka transaction is invisible to read_committed consumers such as Druid.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Kafka, type Consumer, type EachBatchPayload, type KafkaMessage, type Message } from 'kafkajs';
import { exponentialBackoff, retry } from '../common/retry';
import { AppConfig } from '../config/app-config';
import { KafkaAdmin } from '../kafka/kafka-admin';
import { CHANGE_TOPIC } from '../kafka/kafka.topics';
import {
  interpretChangeEvent,
  ministatementMessage,
  parseRecordValue,
  PoisonEventError,
  type ChangeMeaning,
} from './debezium-envelope';
import { PartitionTransactions } from './partition-transactions';
import { ReadModelRepository, type PositionedMeaning } from './read-model.repository';
import { ProjectorStats } from './projector.stats';

/**
 * Transient failures (database or Kafka down) are retried this often per batch, 400, 800, 1600 and
 * 3200 ms apart, before kafkajs takes over.
 */
const BATCH_ATTEMPTS = 5;

/** Where a log line's event or batch is in `debit_card`: fields of the line, for log shippers to filter on. */
function at(partition: number, offset?: string): { topic: string; partition: number; offset?: string } {
  return offset === undefined
    ? { topic: CHANGE_TOPIC, partition }
    : { topic: CHANGE_TOPIC, partition, offset };
}

/** The record as it came, for the dead-letter topic, with why it can never be projected and where it was. */
function deadLetterOf(message: KafkaMessage, partition: number, reason: string): Message {
  return {
    key: message.key ?? null,
    value: message.value ?? null,
    headers: {
      'dlq.reason': reason,
      'dlq.source.topic': CHANGE_TOPIC,
      'dlq.source.partition': String(partition),
      'dlq.source.offset': message.offset,
    },
  };
}

@Injectable()
export class MinistatementProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MinistatementProjector.name);
  private consumer?: Consumer;
  private transactions?: PartitionTransactions;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  /** Emits 'committed' after each batch, so GET ?minVersion= can wake up instead of polling blindly. */
  readonly events = new EventEmitter();

  constructor(
    private readonly config: AppConfig,
    private readonly readModel: ReadModelRepository,
    readonly stats: ProjectorStats,
    private readonly kafka: Kafka,
    /** The app's one admin connection (KafkaModule's), for the partition counts; not ours to close. */
    private readonly admin: KafkaAdmin,
  ) {
    this.events.setMaxListeners(0);
  }

  onApplicationBootstrap(): void {
    if (!this.config.projector.enabled) return;
    // Not awaited: the API serves while Kafka is still coming up; start() retries on its own.
    void this.start();
  }

  /** Before onApplicationShutdown closes the database pools, so an in-flight batch can finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.stop();
  }

  private async start(): Promise<void> {
    const groupId = this.config.projector.groupId;
    let startedConsumer: Consumer | undefined; // for the catch below
    try {
      // Shutdown may land during any await below. Its stop() closes what existed then, but a client
      // still connecting can come up afterwards (kafkajs retries a connection closed under it), so
      // these checks close this start()'s own clients: no client outlives the application.
      this.transactions = new PartitionTransactions(
        this.kafka,
        this.admin,
        this.config.kafka.brokers,
        groupId,
      );
      const consumer: Consumer = this.kafka.consumer({
        groupId,
        sessionTimeout: this.config.projector.sessionTimeoutMs,
        heartbeatInterval: 1000,
        maxWaitTimeInMs: 50, // latency: a withdrawal should not wait for a full fetch
        retry: {
          retries: 5,
          // kafkajs restarts a crashed consumer on its own timer; a retired one (shutdown, or replaced
          // by scheduleRestart) must stay down, or it would come back after the app has closed.
          restartOnFailure: () => Promise.resolve(this.isCurrent(consumer)),
        },
      });
      this.consumer = consumer;
      startedConsumer = consumer;
      const transactions = this.transactions;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const assigned = payload.memberAssignment[CHANGE_TOPIC] ?? [];
        this.logger.log({
          msg: `joined ${groupId}: partitions [${assigned.join(', ')}] of ${CHANGE_TOPIC}`,
          groupId,
          topic: CHANGE_TOPIC,
          partitions: assigned,
        });
        void transactions.closeAll(); // fresh writers: another owner may have committed meanwhile
      });
      // kafkajs gives up for good on some errors; never stop silently: start a fresh consumer.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!this.isCurrent(consumer)) return;
        this.logger.error(
          `consumer crashed (${payload.error.message}); kafkajs restarts: ${payload.restart}`,
        );
        if (!payload.restart) this.scheduleRestart();
      });
      await consumer.connect();
      if (this.stopping) return await this.abandonStart(consumer);
      // A new group starts from the beginning of the log: the read model is derived from all of it.
      await consumer.subscribe({ topic: CHANGE_TOPIC, fromBeginning: true });
      if (this.stopping) return await this.abandonStart(consumer);
      await consumer.run({
        autoCommit: false, // offsets are committed inside the Kafka transaction
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.config.projector.concurrency,
        eachBatch: (payload) => this.projectBatch(payload),
      });
      if (this.stopping) return await this.abandonStart(consumer);
      this.stats.running = true;
    } catch (error) {
      if (this.stopping) return await this.abandonStart(startedConsumer);
      this.logger.error(`projector could not start: ${(error as Error).message}`);
      this.scheduleRestart();
    }
  }

  /** Shutdown landed while start() was connecting: close this start()'s consumer, then everything else. */
  private async abandonStart(consumer?: Consumer): Promise<void> {
    await consumer?.disconnect().catch(() => undefined);
    await this.stop();
  }

  /** True for the consumer the projector currently runs, false once shutting down or replaced. */
  private isCurrent(consumer: Consumer): boolean {
    return !this.stopping && this.consumer === consumer;
  }

  private scheduleRestart(): void {
    if (this.stopping) return;
    this.stats.running = false;
    this.stats.restarts += 1;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.stop().then(() => this.start());
    }, 2000);
  }

  private async stop(): Promise<void> {
    this.stats.running = false;
    const { consumer, transactions } = this;
    this.consumer = undefined; // retired first, so its crash while disconnecting restarts nothing
    await consumer?.disconnect().catch(() => undefined);
    await transactions?.closeAll();
  }

  private async projectBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const live = () => payload.isRunning() && !payload.isStale();
    if (batch.messages.length === 0 || !live()) return;
    const transactions = this.transactions;
    if (!transactions) return;
    const { partition } = batch;

    try {
      await retry(() => this.projectOnce(payload, transactions), {
        attempts: BATCH_ATTEMPTS,
        backoff: exponentialBackoff(200),
        retriable: live, // a batch revoked meanwhile is another owner's now
        // The writer is dropped after any failure: the next attempt opens a fresh one (fencing again).
        onFailure: async () => {
          await transactions.discard(partition);
          this.stats.retries += 1;
        },
        onRetry: (error, attempt) =>
          this.logger.warn({
            msg: `batch ${CHANGE_TOPIC}[${partition}] attempt ${attempt} failed (${(error as Error).message}); retrying`,
            ...at(partition, batch.firstOffset() ?? undefined),
            attempt,
          }),
      });
    } catch (error) {
      this.logger.error({
        msg: `batch ${CHANGE_TOPIC}[${partition}]@${batch.firstOffset()} failed: ${(error as Error).message}`,
        ...at(partition, batch.firstOffset() ?? undefined),
      });
      throw error; // kafkajs retries the batch (nothing was committed), then restarts the consumer
    }
  }

  /** One attempt at a batch: the read model, then one Kafka transaction; resolves the batch's offsets. */
  private async projectOnce(payload: EachBatchPayload, transactions: PartitionTransactions): Promise<void> {
    const { batch } = payload;
    const { partition } = batch;
    const writer = await transactions.writer(partition);
    const messages = batch.messages.filter((message) => BigInt(message.offset) >= writer.committedOffset);
    if (messages.length > 0) {
      const { events, deadLetters } = this.interpret(partition, messages);
      const applied = await this.readModel.applyBatch(events);
      for (const { offset, withdrawal } of applied.idTaken) {
        const reason = `withdrawal id ${withdrawal.id} (card ${withdrawal.debitCardId} v${withdrawal.version}) is already another line's`;
        this.logger.warn({
          msg: `dead-lettering ${CHANGE_TOPIC}[${partition}]@${offset}: ${reason}`,
          ...at(partition, offset),
        });
        const message = messages.find((candidate) => candidate.offset === offset);
        if (message) deadLetters.push(deadLetterOf(message, partition, reason));
      }
      const fault = applied.toPublish.length > 0 ? this.armedFaultKillPoint() : undefined;
      if (fault === 'after-database-commit') this.killForFaultTest();
      const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();
      const positions = await writer.commit(
        this.config.projector.groupId,
        {
          ministatement: applied.toPublish.map((withdrawal) => ({
            key: withdrawal.debitCardId,
            value: JSON.stringify(ministatementMessage(withdrawal)),
          })),
          deadLetters,
          nextOffset,
        },
        fault === 'before-kafka-commit' ? () => this.killForFaultTest() : undefined,
      );
      this.stats.recordBatch({
        events: messages.length,
        published: applied.toPublish,
        positions,
        duplicates: applied.duplicates,
        deadLettered: deadLetters.length,
      });
      for (const withdrawal of applied.toPublish) {
        this.logger.debug({
          msg: `projected ${withdrawal.id} card=${withdrawal.debitCardId} v${withdrawal.version}`,
          ...at(partition),
          withdrawalId: withdrawal.id,
          debitCardId: withdrawal.debitCardId,
          version: withdrawal.version,
          // The withdrawal's request id: a search by it finds the request's lines and this one.
          requestId: withdrawal.requestId,
        });
      }
      if (applied.duplicates > 0) {
        this.logger.log({
          msg: `skipped ${applied.duplicates} duplicate event(s) in ${CHANGE_TOPIC}[${partition}]`,
          ...at(partition),
          duplicates: applied.duplicates,
        });
      }
    }
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
    this.events.emit('committed');
  }

  /** Interprets each record; the ones that can never be processed become dead letters with the reason. */
  private interpret(
    partition: number,
    messages: KafkaMessage[],
  ): { events: PositionedMeaning[]; deadLetters: Message[] } {
    const events: PositionedMeaning[] = [];
    const deadLetters: Message[] = [];
    for (const message of messages) {
      const { offset, timestamp } = message;
      let meaning: ChangeMeaning;
      try {
        meaning = interpretChangeEvent(parseRecordValue(message.value ?? null));
      } catch (error) {
        if (!(error instanceof PoisonEventError)) throw error;
        this.logger.warn({
          msg: `dead-lettering ${CHANGE_TOPIC}[${partition}]@${offset}: ${error.message}`,
          ...at(partition, offset),
        });
        deadLetters.push(deadLetterOf(message, partition, error.message));
        continue;
      }
      events.push({ partition, offset, timestamp, meaning });
    }
    return { events, deadLetters };
  }

  /**
   * Test hook for the crash fault tests: the N-th database commit that wrote statement lines arms it,
   * and the process then dies like `kill -9` at the configured point (before or inside the Kafka
   * transaction). Returns that point once armed.
   */
  private armedFaultKillPoint(): AppConfig['projector']['faultKillPoint'] | undefined {
    const { faultKillAfterDatabaseCommits: remaining, faultKillPoint } = this.config.projector;
    if (remaining === undefined) return undefined;
    this.stats.databaseCommitsBeforeFault = (this.stats.databaseCommitsBeforeFault ?? remaining) - 1;
    return this.stats.databaseCommitsBeforeFault <= 0 ? faultKillPoint : undefined;
  }

  private killForFaultTest(): void {
    const { faultKillPoint } = this.config.projector;
    this.logger.error(`fault hook reached (${faultKillPoint}): killing this process with SIGKILL`);
    process.kill(process.pid, 'SIGKILL');
  }
}
