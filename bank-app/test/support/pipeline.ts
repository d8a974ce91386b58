// Observes the pipeline from outside, the way a user would check it: the Kafka topics read with a
// read_committed consumer, the projector group's progress, and the Connect REST API.
import axios from 'axios';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { randomUUID } from 'node:crypto';
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

function headerText(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

/**
 * Every committed record of a topic, read from the beginning with isolation read_committed (as Druid
 * reads `ministatement`), up to the topic's current last stable offset.
 */
export async function readCommitted(topic: string): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const targets = new Map(
    (await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]),
  );
  await admin.disconnect();
  const records: TopicRecord[] = [];
  const position = new Map<number, bigint>();
  const consumer = kafka.consumer({
    groupId: `tests-read-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          records.push({
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headerText(message.headers),
          });
        }
        // lastOffset() counts transaction markers too, so a fully read partition reaches its target.
        position.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
        return Promise.resolve();
      },
    });
    const caughtUp = () =>
      [...targets].every(([partition, target]) => target === 0n || (position.get(partition) ?? 0n) >= target);
    await waitFor(() => Promise.resolve(caughtUp() ? true : undefined), {
      description: `a read_committed consumer to reach the end of ${topic}`,
      timeoutMs: 60_000,
      intervalMs: 100,
    });
  } finally {
    await consumer.disconnect();
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
  return (await readCommitted('ministatement'))
    .filter((record) => record.key !== null && wanted.has(record.key))
    .map((record) => JSON.parse(record.value ?? 'null') as MinistatementMessage);
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
