// Observes the pipeline from outside, the way a user would check it: the Kafka topics read with a
// read_committed consumer, the projector group's progress, and the Connect REST API.
import axios from 'axios';
import { Kafka, logLevel, type KafkaMessage, type MemberDescription } from 'kafkajs';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { java17 } from '../../../stack/src/java';
import { paths } from '../../../stack/src/settings';
import { loadAppConfig } from '../../src/config/app-config';
import { CHANGE_TOPIC } from '../../src/kafka/kafka.topics';
import { waitFor } from './wait-for';

const config = loadAppConfig();
export const kafka = new Kafka({
  clientId: 'bank-app-tests',
  brokers: config.kafka.brokers,
  logLevel: logLevel.NOTHING,
});
export const connectUrl = config.connect.url;
export const CONNECTOR = 'debit-card-source';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const READER = resolve(__dirname, 'java', 'ReadCommitted.java');
const READ_TIMEOUT_MS = 150_000;

function decode(field: string): string | null {
  return field === '-' ? null : Buffer.from(field, 'base64').toString('utf8');
}

function parseRecord(line: string): TopicRecord {
  const [partition, offset, key, value, headers = ''] = line.split('\t');
  return {
    partition: Number(partition),
    offset,
    key: decode(key),
    value: decode(value),
    headers: Object.fromEntries(
      headers
        .split(',')
        .filter((pair) => pair !== '')
        .map((pair) => pair.split(':').map((field) => decode(field) ?? '')),
    ) as Record<string, string>,
  };
}

export interface ReadOptions {
  /**
   * Where to start, per partition: the end offsets taken when the test began (endOffsets), so a check
   * reads only what its test wrote, whatever the stack's history. A partition it does not name is not
   * read. Absent: every partition from the beginning.
   */
  from?: Map<number, bigint>;
  /** Only the last `tail` offsets of each partition (instead of `from`). */
  tail?: number;
  /** Keep only the records this accepts (applied while reading: a long topic is never all in memory). */
  where?: (record: TopicRecord) => boolean;
}

/** Each partition's end offset now (its high watermark): where a test's later reads start. */
export async function endOffsets(topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)]));
  } finally {
    await admin.disconnect();
  }
}

function toRecord(partition: number, message: KafkaMessage): TopicRecord {
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
    ),
  };
}

/**
 * The committed records of a topic, read as a TypeScript user would: a kafkajs consumer with its
 * default isolation, read_committed. It reads from `from` (or the last `tail` offsets, or the
 * beginning) up to each partition's end as of the call. Call it once the writers are quiet: an open
 * transaction holds the consumer back and the read waits for it, bounded.
 */
export async function readCommitted(
  topic: string,
  { from, tail, where }: ReadOptions = {},
): Promise<TopicRecord[]> {
  const groupId = `read-committed-check-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)]));
    const starts = new Map(
      offsets.map(({ partition, low, high }) => {
        const begin = BigInt(low);
        // With `from`, a partition it does not name is not read.
        const wanted =
          tail !== undefined
            ? BigInt(high) - BigInt(tail)
            : from
              ? (from.get(partition) ?? BigInt(high))
              : begin;
        return [partition, wanted > begin ? wanted : begin];
      }),
    );
    const pending = [...ends].filter(([partition, end]) => (starts.get(partition) ?? end) < end);
    if (pending.length === 0) return [];
    // The new group starts exactly where this read begins.
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [...starts].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
    });

    const records = new Map<string, TopicRecord>();
    // How far each partition was read, control records and aborted records included: kafkajs reports
    // it per fetched batch, even for a batch it filtered out entirely.
    const positions = new Map<number, bigint>();
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const next = BigInt(payload.lastOffset) + 1n;
      if (next > (positions.get(payload.partition) ?? -1n)) positions.set(payload.partition, next);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const offset = BigInt(message.offset);
        if (offset >= (starts.get(partition) ?? 0n) && offset < (ends.get(partition) ?? 0n)) {
          const record = toRecord(partition, message);
          // Keyed by position: a re-fetch after a rebalance delivers the same record again.
          if (where === undefined || where(record)) records.set(`${partition}:${message.offset}`, record);
        }
        return Promise.resolve();
      },
    });
    await waitFor(
      () =>
        pending.every(([partition, end]) => (positions.get(partition) ?? -1n) >= end) ? true : undefined,
      {
        description: `a kafkajs read_committed consumer to read ${topic} up to offsets ${pending
          .map(([partition, end]) => `${partition}:${end}`)
          .join(', ')}`,
        timeoutMs: READ_TIMEOUT_MS,
        intervalMs: 100,
      },
    );
    return [...records.values()].sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * The same read with Kafka's reference Java client (java/ReadCommitted.java), as Druid reads the topic:
 * the chaos suite's second reader, which must agree with kafkajs.
 */
export async function readCommittedWithJava(
  topic: string,
  { from, tail, where }: ReadOptions = {},
): Promise<TopicRecord[]> {
  const args = ['-cp', join(paths.kafkaLib, '*'), READER, config.kafka.brokers.join(','), topic];
  if (tail !== undefined) args.push(String(tail));
  else if (from !== undefined) {
    args.push(`from=${[...from].map(([partition, offset]) => `${partition}:${offset}`).join(',')}`);
  }
  const reader = spawn(java17(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(reader, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const timer = setTimeout(() => reader.kill('SIGKILL'), READ_TIMEOUT_MS);
  let stderr = '';
  reader.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const records: TopicRecord[] = [];
  try {
    for await (const line of createInterface({ input: reader.stdout })) {
      if (line === '') continue;
      const record = parseRecord(line);
      if (where === undefined || where(record)) records.push(record);
    }
  } finally {
    clearTimeout(timer);
  }
  const [code, signal] = await exited;
  if (code !== 0) {
    throw new Error(`reading ${topic} read_committed with Java failed (exit ${code ?? signal}): ${stderr}`);
  }
  return records;
}

export interface MinistatementMessage {
  id: string;
  debitCardId: string;
  amount: string;
  amountMinor: number;
  transactionDate: string;
  version: number;
  requestId: string | null;
}

/** The `ministatement` messages of the given cards since `from` (endOffsets), in topic order. */
export async function ministatementOf(
  cardIds: string[],
  from: Map<number, bigint>,
): Promise<MinistatementMessage[]> {
  const wanted = new Set(cardIds);
  return (
    await readCommitted('ministatement', {
      from,
      where: (record) => record.key !== null && wanted.has(record.key),
    })
  ).map((record) => JSON.parse(record.value ?? 'null') as MinistatementMessage);
}

/** True once the projector group has committed everything Debezium has written to debit_card. */
export async function projectorCaughtUp(groupId = config.projector.groupId): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(CHANGE_TOPIC);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [CHANGE_TOPIC] });
    return ends.every(({ partition, high }) => {
      const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
      return BigInt(high) === 0n || BigInt(offset) >= BigInt(high);
    });
  } finally {
    await admin.disconnect();
  }
}

/** The projector group's members as the broker's group coordinator sees them. */
export async function projectorGroupMembers(
  groupId = config.projector.groupId,
): Promise<MemberDescription[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members ?? [];
  } finally {
    await admin.disconnect();
  }
}

export async function waitForProjectorCaughtUp(timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => ((await projectorCaughtUp()) ? true : undefined), {
    description: 'the projector to commit every debit_card event',
    timeoutMs,
    intervalMs: 200,
  });
}

/** Produces records by hand into a topic (poison messages, hand-made duplicates). */
export async function produce(
  topic: string,
  messages: { key: string | null; value: string | null }[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

interface ConnectorStatus {
  connector: { state: string };
  tasks: { state: string }[];
}

export async function waitForConnectorRunning(timeoutMs = 90_000): Promise<void> {
  await waitFor(
    async () => {
      const { data } = await axios.get<ConnectorStatus>(`${connectUrl}/connectors/${CONNECTOR}/status`, {
        timeout: 2000,
      });
      const running =
        data.connector.state === 'RUNNING' &&
        data.tasks.length > 0 &&
        data.tasks.every((task) => task.state === 'RUNNING');
      return running ? true : undefined;
    },
    { description: `connector ${CONNECTOR} and its task to be RUNNING`, timeoutMs, intervalMs: 500 },
  );
}

export async function connectorOffsets(): Promise<unknown> {
  const { data } = await axios.get<{ offsets: unknown }>(`${connectUrl}/connectors/${CONNECTOR}/offsets`);
  return data.offsets;
}

async function waitForConnectorState(state: string): Promise<void> {
  await waitFor(
    async () => {
      const { data } = await axios.get<ConnectorStatus>(`${connectUrl}/connectors/${CONNECTOR}/status`);
      return data.connector.state === state ? true : undefined;
    },
    { description: `connector ${CONNECTOR} to be ${state}`, timeoutMs: 60_000, intervalMs: 300 },
  );
}

/**
 * Stops the connector, rewrites its source offsets (undefined = reset: the connector snapshots again),
 * and resumes it. Rewinding to an earlier offset makes Debezium re-send every event since then,
 * exactly what it does after a crash.
 */
export async function rewriteConnectorOffsets(offsets: unknown): Promise<void> {
  // (Connect's REST API answers 415 to axios' default form content type on a body-less PUT.)
  const json = { headers: { 'Content-Type': 'application/json' } };
  await axios.put(`${connectUrl}/connectors/${CONNECTOR}/stop`, null, json);
  await waitForConnectorState('STOPPED');
  if (offsets === undefined) await axios.delete(`${connectUrl}/connectors/${CONNECTOR}/offsets`);
  else await axios.patch(`${connectUrl}/connectors/${CONNECTOR}/offsets`, { offsets }, json);
  await axios.put(`${connectUrl}/connectors/${CONNECTOR}/resume`, null, json);
  await waitForConnectorRunning();
}
