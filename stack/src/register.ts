// `npm run register`: creates the topics, creates or updates the Debezium connector and the Druid supervisor,
// and waits until both are RUNNING. Idempotent. It sends the two root files unchanged, so the same code
// serves the local stack and compose (with CONNECT_URL, KAFKA_BROKERS and DRUID_OVERLORD_URL pointing
// at the services): each stack's Connect and Druid resolve the files' placeholders themselves.
import axios, { type AxiosError } from 'axios';
import { Kafka, logLevel } from 'kafkajs';
import { connectorSpec, type ConnectorSpec } from './connector';
import { progress } from './output';
import { host, ports } from './settings';
import { registerSupervisor, supervisorSpec } from './supervisor';
import { waitFor } from './wait';

export interface Endpoints {
  connectUrl: string;
  kafkaBrokers: string[];
  overlordUrl: string;
}

export function configuredEndpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return {
    connectUrl: env.CONNECT_URL ?? `http://${host}:${ports.connect.port}`,
    kafkaBrokers: (env.KAFKA_BROKERS ?? `${host}:${ports.kafka.port}`).split(','),
    overlordUrl: env.DRUID_OVERLORD_URL ?? `http://${host}:${ports.druidCoordinator.port}`,
  };
}

/** Partitions of the change-event topic: Debezium keys events by card id, so each card's order holds. */
export const debitCardPartitions = Number(process.env.DEBIT_CARD_PARTITIONS ?? 3);

interface WantedTopic {
  topic: string;
  numPartitions: number;
  configEntries: { name: string; value: string }[];
}

// `debit_card` keeps every event forever (the read model is rebuilt from it; compaction would erase
// the deltas), and so do the others.
const forever = [
  { name: 'cleanup.policy', value: 'delete' },
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];

/**
 * The topics to create, given the partition counts of those that exist; throws, saying what to do,
 * when an existing one cannot serve. `ministatement` must have exactly as many partitions as
 * `debit_card`: the projector writes the lines of `debit_card` partition p to `ministatement` partition
 * p, one transactional producer per partition, so that no two producers' aborted transactions
 * interleave in a partition (a read_committed kafkajs consumer would then let aborted records through).
 */
export function topicsToCreate(existing: Map<string, number>, partitions: number): WantedTopic[] {
  const debitCard = existing.get('debit_card');
  // Fewer partitions than configured: created by something other than this (an auto-creating client),
  // and adding partitions would move cards to other partitions mid-log.
  if (debitCard !== undefined && debitCard < partitions) {
    throw new Error(
      `topic debit_card has ${debitCard} partition(s), expected ${partitions}: it was created by ` +
        'something other than `npm run register`. Delete it (and the datasource built from it) and register again.',
    );
  }
  const sourcePartitions = debitCard ?? partitions;
  const ministatement = existing.get('ministatement');
  if (ministatement !== undefined && ministatement !== sourcePartitions) {
    throw new Error(
      `topic ministatement has ${ministatement} partition(s) and debit_card ${sourcePartitions}: they must be ` +
        'equal, because the projector writes debit_card partition p to ministatement partition p (one ' +
        'transactional producer per partition, so that every read_committed consumer reads each withdrawal ' +
        'once). Delete ministatement and the Druid datasource bankapp built from it (docs/druid.md), then ' +
        'run `npm run register` again.',
    );
  }
  const wanted: WantedTopic[] = [
    { topic: 'debit_card', numPartitions: sourcePartitions, configEntries: forever },
    { topic: 'debit_card.dlq', numPartitions: 1, configEntries: forever },
    { topic: 'ministatement', numPartitions: sourcePartitions, configEntries: forever },
  ];
  return wanted.filter(({ topic }) => !existing.has(topic));
}

/** Creates the pipeline's topics that are missing (see topicsToCreate). */
export async function ensureTopics(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'bank-register', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = ['debit_card', 'debit_card.dlq', 'ministatement'];
    const present = (await admin.listTopics()).filter((topic) => names.includes(topic));
    const existing = new Map<string, number>();
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present });
      for (const { name, partitions } of topics) existing.set(name, partitions.length);
    }
    const topics = topicsToCreate(existing, debitCardPartitions);
    if (topics.length > 0) {
      await admin.createTopics({ topics, waitForLeaders: true });
      progress('register', `created topics ${topics.map((topic) => topic.topic).join(', ')}`);
    }
  } finally {
    await admin.disconnect();
  }
}

function connectMessage(error: unknown): string {
  const axiosError = error as AxiosError<{ message?: string }>;
  if (axiosError.response) {
    return `Kafka Connect answered ${axiosError.response.status}: ${axiosError.response.data?.message ?? JSON.stringify(axiosError.response.data)}`;
  }
  return `Kafka Connect is unreachable (${axiosError.code ?? axiosError.message})`;
}

interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

export async function registerConnector(connectUrl: string, spec: ConnectorSpec): Promise<ConnectorStatus> {
  try {
    await axios.put(`${connectUrl}/connectors/${spec.name}/config`, spec.config, { timeout: 30_000 });
  } catch (error) {
    throw new Error(`registering connector ${spec.name} at ${connectUrl} failed: ${connectMessage(error)}`);
  }
  let status: ConnectorStatus | undefined;
  await waitFor(
    `connector ${spec.name} and its task to be RUNNING`,
    async () => {
      const response = await axios.get<ConnectorStatus>(`${connectUrl}/connectors/${spec.name}/status`, {
        timeout: 5000,
      });
      status = response.data;
      const failed = [status.connector, ...status.tasks].find((part) => part.state === 'FAILED');
      if (failed) {
        throw new FatalRegistration(
          `connector ${spec.name} FAILED: ${(failed.trace ?? '').split('\n').slice(0, 3).join(' | ')}`,
        );
      }
      return (
        status.connector.state === 'RUNNING' &&
        status.tasks.length > 0 &&
        status.tasks.every((t) => t.state === 'RUNNING')
      );
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  ).catch((error: Error) => {
    if (error instanceof FatalRegistration) throw error;
    throw new Error(`${error.message}; last status: ${JSON.stringify(status)}`);
  });
  return status as ConnectorStatus;
}

class FatalRegistration extends Error {}

/** `connectWaitMs`: how long to wait for Connect to answer at all (it may still be starting). */
export async function register(
  endpoints: Endpoints = configuredEndpoints(),
  connectWaitMs = 30_000,
): Promise<void> {
  progress(
    'register',
    `Connect ${endpoints.connectUrl}, Kafka ${endpoints.kafkaBrokers.join(',')}, Druid ${endpoints.overlordUrl}`,
  );
  await waitFor(
    `Kafka Connect at ${endpoints.connectUrl}`,
    async () => {
      await axios.get(`${endpoints.connectUrl}/connectors`, { timeout: 2000 });
      return true;
    },
    { timeoutMs: connectWaitMs },
  ).catch(() => {
    throw new Error(
      `Kafka Connect is unreachable at ${endpoints.connectUrl} (set CONNECT_URL, or start it: npm run stack:up)`,
    );
  });
  await ensureTopics(endpoints.kafkaBrokers);
  const connector = connectorSpec();
  await registerConnector(endpoints.connectUrl, connector);
  progress('register', `connector ${connector.name} RUNNING`);

  const id = await registerSupervisor(endpoints.overlordUrl, supervisorSpec());
  progress('register', `Druid supervisor ${id} RUNNING`);
}
