// Observes the pipeline from outside, the way a user would check it: the Kafka topics read with a
// read_committed consumer, the projector group's progress, and the Connect REST API.
import axios from 'axios';
import { Kafka, logLevel, type MemberDescription } from 'kafkajs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { java17 } from '../../../stack/src/java';
import { paths } from '../../../stack/src/settings';
import { loadAppConfig } from '../../src/config/app-config';
import { CHANGE_TOPIC } from '../../src/ministatement/partition-transactions';
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
  /** Only the last `tail` offsets of each partition. */
  tail?: number;
  /** Keep only the records this accepts (applied while reading: a long topic is never all in memory). */
  where?: (record: TopicRecord) => boolean;
}

/**
 * The committed records of a topic, read with the reference Java client as a read_committed consumer
 * (as Druid reads `ministatement`), up to each partition's last stable offset as of the call. See
 * java/ReadCommitted.java for why not kafkajs.
 */
export async function readCommitted(
  topic: string,
  { tail, where }: ReadOptions = {},
): Promise<TopicRecord[]> {
  const args = ['-cp', join(paths.kafkaLib, '*'), READER, config.kafka.brokers.join(','), topic];
  if (tail !== undefined) args.push(String(tail));
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
    throw new Error(`reading ${topic} read_committed failed (exit ${code ?? signal}): ${stderr}`);
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

/** The `ministatement` messages of the given cards, in topic order. */
export async function ministatementOf(cardIds: string[]): Promise<MinistatementMessage[]> {
  const wanted = new Set(cardIds);
  return (
    await readCommitted('ministatement', {
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
