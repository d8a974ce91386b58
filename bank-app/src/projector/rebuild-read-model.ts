// `npm run rebuild-read-model`: rebuilds money_withdrawal and card_baseline from the `debit_card` change
// log (the event log is the source of truth), through the same interpretation and the same batch writes
// as the projector, without publishing anything to `ministatement`. Running it twice gives the same
// table. It refuses to run while a projector is consuming: the projector relies on the existing lines
// to tell Debezium duplicates from replays. It empties the tables as the migrator user (see clear()).
import { DynamicModule, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { Kafka } from 'kafkajs';
import type { Logger as PinoInstance } from 'pino';
import { DataSource } from 'typeorm';
import { linearBackoff, retry } from '../common/retry';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/app-config.module';
import { migratorDataSourceOptions } from '../database/data-source-options';
import { isDatabaseUnavailableError } from '../database/database-errors';
import { DatabaseModule } from '../database/database.module';
import { KafkaAdmin } from '../kafka/kafka-admin';
import { KafkaModule } from '../kafka/kafka.module';
import { CHANGE_TOPIC } from '../kafka/kafka.topics';
import { appLogger, loggerModule, nestLogger } from '../logging/app-logger';
import { CardBaselineEntity } from './card-baseline.entity';
import { interpretChangeEvent, parseRecordValue, PoisonEventError } from './debezium-envelope';
import { MoneyWithdrawalEntity } from './money-withdrawal.entity';
import {
  prepareBatch,
  ReadModelRepository,
  type AppliedBatch,
  type PositionedMeaning,
  type PreparedBatch,
} from './read-model.repository';
import { REBUILD_CONSUMER_SETTINGS } from './rebuild-consumer-settings';

/** Batch writes queued or running (all partitions). */
const MAX_QUEUED_WRITES = 6;

/** Attempts of one batch write that failed for a transient reason (a deadlock, say). */
const WRITE_ATTEMPTS = 5;

/** Parsing yields to the event loop after this many events. */
const PARSE_SLICE = 500;

export interface RebuildSummary {
  events: number;
  withdrawals: number;
  duplicates: number;
  poison: number;
  seconds: number;
}

@Injectable()
class RebuildService {
  private readonly logger = new Logger('RebuildReadModel');

  // Explicit tokens: this script also runs under tsx, whose compiler emits no decorator metadata.
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ReadModelRepository) private readonly readModel: ReadModelRepository,
    @Inject(Kafka) private readonly kafka: Kafka,
    @Inject(KafkaAdmin) private readonly admin: KafkaAdmin,
  ) {}

  async rebuild(): Promise<RebuildSummary> {
    const groupId = `bank-app-rebuild-${randomUUID()}`;
    try {
      const [projectors] = (
        await this.admin.use((admin) => admin.describeGroups([this.config.projector.groupId]))
      ).groups;
      if (projectors && projectors.members.length > 0) {
        throw new Error(
          `the projector group ${this.config.projector.groupId} has ${projectors.members.length} active member(s): ` +
            'stop bank-app before rebuilding the read model',
        );
      }
      // The log up to now: everything before these offsets is rebuilt.
      const ends = new Map(
        (await this.admin.use((admin) => admin.fetchTopicOffsets(CHANGE_TOPIC))).map((entry) => [
          entry.partition,
          BigInt(entry.high),
        ]),
      );
      await this.clear();
      this.logger.log(
        `read model cleared; replaying ${CHANGE_TOPIC} up to offsets ${JSON.stringify(Object.fromEntries([...ends].map(([p, o]) => [p, o.toString()])))}`,
      );
      return await this.replay(groupId, ends);
    } finally {
      await this.admin.use((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    }
  }

  /**
   * Empties the read model with TRUNCATE (what a repository's clear() sends on MySQL and MariaDB), which
   * is DDL: hence the migrator user, as for migrations. A DELETE of every line leaves each one
   * delete-marked, and InnoDB's purge of them then runs during the replay, competing with its inserts
   * for the same keys.
   */
  private async clear(): Promise<void> {
    const migrator = new DataSource({
      ...migratorDataSourceOptions(this.config),
      entities: [MoneyWithdrawalEntity, CardBaselineEntity],
    });
    await migrator.initialize();
    try {
      await migrator.getRepository(MoneyWithdrawalEntity).clear();
      await migrator.getRepository(CardBaselineEntity).clear();
    } finally {
      await migrator.destroy();
    }
  }

  private async replay(groupId: string, ends: Map<number, bigint>): Promise<RebuildSummary> {
    const started = Date.now();
    const summary: RebuildSummary = { events: 0, withdrawals: 0, duplicates: 0, poison: 0, seconds: 0 };
    const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
    if (remaining.size === 0) return summary;

    const consumer = this.kafka.consumer({ groupId, ...REBUILD_CONSUMER_SETTINGS });
    await consumer.connect();
    await consumer.subscribe({ topic: CHANGE_TOPIC, fromBeginning: true });
    let finish: (error?: Error) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = (error) => (error ? reject(error) : resolve());
    });
    // Each partition's writes run one at a time, in log order, each chained to the one before; the
    // partitions' chains run side by side (a card's events are all in one partition). eachBatch
    // parses a batch, queues its write and returns, so kafkajs fetches and parses on while the database
    // writes, and with writes queued the database never waits for a parse to end.
    const lastWriteOf = new Map<number, Promise<void>>();
    const queued: Promise<void>[] = []; // every write not yet awaited here, oldest first
    let failed = false;
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const end = ends.get(batch.partition) ?? 0n;
        const events: PositionedMeaning[] = [];
        for (const [index, message] of batch.messages.entries()) {
          if (BigInt(message.offset) >= end) break;
          // A batch takes a few hundred milliseconds to parse: let the database's answers in meanwhile.
          if (index % PARSE_SLICE === PARSE_SLICE - 1) await setImmediate();
          try {
            const meaning = interpretChangeEvent(parseRecordValue(message.value));
            events.push({
              partition: batch.partition,
              offset: message.offset,
              timestamp: message.timestamp,
              meaning,
            });
          } catch (error) {
            if (!(error instanceof PoisonEventError)) throw error;
            summary.poison += 1; // already in the dead-letter topic from the live projector
          }
        }
        // A bounded queue: a database slower than the log must slow the fetching down.
        if (queued.length >= MAX_QUEUED_WRITES) await queued.shift()?.catch(() => undefined);
        if (failed) return; // already reported through finish()
        const prepared = prepareBatch(events); // now, so the write can start the moment its turn comes
        const write = (lastWriteOf.get(batch.partition) ?? Promise.resolve())
          .then(() => this.writeWithRetries(prepared))
          .then((applied) => {
            summary.events += events.length;
            summary.withdrawals += applied.toPublish.length;
            summary.duplicates += applied.duplicates;
            summary.poison += applied.idTaken.length; // dead-lettered by the live projector too
          });
        lastWriteOf.set(batch.partition, write);
        queued.push(write);
        write.catch((error: Error) => {
          failed = true;
          finish(error);
        });
        payload.resolveOffset(batch.lastOffset());
        await payload.heartbeat();
        if (BigInt(batch.lastOffset()) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) {
            void Promise.all(lastWriteOf.values()).then(
              () => finish(),
              () => undefined, // already reported through finish()
            );
          }
        }
      },
    });
    try {
      await done;
    } finally {
      await consumer.disconnect();
    }
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }

  /**
   * Concurrent INSERTs of two partitions can deadlock on index gaps (InnoDB then rolls one back); an
   * INSERT IGNORE can simply run again, as after any transient failure.
   */
  private writeWithRetries(prepared: PreparedBatch): Promise<AppliedBatch> {
    return retry(() => this.readModel.writeBatch(prepared), {
      attempts: WRITE_ATTEMPTS,
      backoff: linearBackoff(100),
      retriable: isDatabaseUnavailableError,
      onRetry: (error, attempt) =>
        this.logger.warn(`batch write attempt ${attempt} failed (${(error as Error).message}); retrying`),
    });
  }
}

@Module({})
class RebuildModule {
  static forRoot(logger: PinoInstance): DynamicModule {
    return {
      module: RebuildModule,
      imports: [
        AppConfigModule.forRoot(),
        loggerModule(logger),
        DatabaseModule,
        KafkaModule,
        TypeOrmModule.forFeature([MoneyWithdrawalEntity]),
      ],
      providers: [ReadModelRepository, RebuildService],
    };
  }
}

async function main(): Promise<void> {
  // The app's logger (LOG_FORMAT); the summary itself is the one line on stdout that is not a log line.
  const logger = appLogger(loadAppConfig().logging.format, 'info');
  const app = await NestFactory.createApplicationContext(RebuildModule.forRoot(logger), {
    logger: nestLogger(logger),
  });
  try {
    const summary = await app.get(RebuildService).rebuild();
    const rate = summary.seconds > 0 ? Math.round(summary.events / summary.seconds) : summary.events;
    console.log(JSON.stringify({ ...summary, eventsPerSecond: rate }));
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    new Logger('RebuildReadModel').error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
