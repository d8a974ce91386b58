// Kafka views the bench needs: topic sizes and end offsets, the projector group's members and lag, and
// the bare consumer that is the projection benchmark's ceiling.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { host, ports } from '../../stack/src/settings';
import { REBUILD_CONSUMER_SETTINGS } from '../../bank-app/src/projector/rebuild-consumer-settings';
import { waitUntil, within } from './log';

export const CHANGE_TOPIC = 'debit_card';
export const MINISTATEMENT_TOPIC = 'ministatement';
export const PROJECTOR_GROUP = process.env.PROJECTOR_GROUP_ID ?? 'bank-app-ministatement-projector';

export const kafka = new Kafka({
  clientId: 'bank-bench',
  brokers: [`${host}:${ports.kafka.port}`],
  logLevel: logLevel.WARN,
});

export async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export type Offsets = Map<number, bigint>;

export interface TopicExtent {
  low: Offsets;
  high: Offsets;
  /** Records between low and high over all partitions (debit_card is not transactional: = events). */
  records: number;
}

export async function topicExtent(topic: string): Promise<TopicExtent> {
  const entries = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const low = new Map(entries.map((entry) => [entry.partition, BigInt(entry.low)]));
  const high = new Map(entries.map((entry) => [entry.partition, BigInt(entry.high)]));
  let records = 0n;
  for (const [partition, end] of high) records += end - (low.get(partition) ?? 0n);
  return { low, high, records: Number(records) };
}

export async function groupMembers(groupId: string): Promise<number> {
  const { groups } = await withAdmin((admin) => admin.describeGroups([groupId]));
  return groups[0]?.members.length ?? 0;
}

/** Events of `topic` the group has not committed yet (a group that never committed lags by everything). */
export async function groupLag(groupId: string, topic: string): Promise<number> {
  return withAdmin(async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0n;
    for (const end of ends) {
      const mine = committed?.partitions.find((entry) => entry.partition === end.partition)?.offset ?? '-1';
      const from = BigInt(mine) >= 0n ? BigInt(mine) : BigInt(end.low);
      lag += BigInt(end.high) - from;
    }
    return Number(lag);
  });
}

/**
 * Waits until Debezium has stopped adding to `debit_card` (end offsets unchanged for `quietMs`), so one
 * run's change events are not still being shipped, on the same two cores, during the next run.
 */
export async function waitForQuietTopic(topic: string, quietMs: number, timeoutMs: number): Promise<number> {
  let last = -1;
  let since = Date.now();
  await waitUntil(
    `${topic} to stop growing (Debezium shipping the previous run's events)`,
    async () => {
      const { records } = await topicExtent(topic);
      if (records !== last) {
        last = records;
        since = Date.now();
      }
      return Date.now() - since >= quietMs ? true : `${records} records`;
    },
    { timeoutMs, intervalMs: 300 },
  );
  return last;
}

/** Waits until `topic` holds at least `records` records (Debezium has shipped what was written). */
export async function waitForRecords(topic: string, records: number, timeoutMs: number): Promise<void> {
  await waitUntil(
    `${topic} to hold ${records} records`,
    async () => {
      const extent = await topicExtent(topic);
      return extent.records >= records ? true : `${extent.records} so far`;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

export interface ConsumeResult {
  events: number;
  seconds: number;
}

/**
 * The ceiling of the projection benchmark: a kafkajs consumer in a new group, with the rebuild's own
 * consumer settings, reading `topic` from the beginning to `ends` and doing nothing with each message.
 * Timed like the rebuild's summary: from connecting until the last partition reaches its end.
 */
export async function bareConsume(topic: string, ends: Offsets, timeoutMs: number): Promise<ConsumeResult> {
  const groupId = `bank-bench-bare-${randomUUID()}`;
  const started = Date.now();
  const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
  let events = 0;
  if (remaining.size === 0) return { events, seconds: 0 };
  const consumer = kafka.consumer({ groupId, ...REBUILD_CONSUMER_SETTINGS });
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const end = ends.get(batch.partition) ?? 0n;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          events += 1;
        }
        payload.resolveOffset(batch.lastOffset());
        await payload.heartbeat();
        if (
          BigInt(batch.lastOffset()) + 1n >= end &&
          remaining.delete(batch.partition) &&
          remaining.size === 0
        ) {
          finish();
        }
      },
    });
    await within(done, timeoutMs, `the bare consumer reading ${topic} to its end offsets`);
    return { events, seconds: (Date.now() - started) / 1000 };
  } finally {
    await consumer.disconnect();
    await withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}
