// Proves each component of the local stack is the real thing and usable, the way the pipeline uses it.
import axios from 'axios';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import mysql from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { database, host, ports } from '../src/settings';
import { waitFor } from '../src/wait';

const kafka = new Kafka({
  clientId: 'stack-test',
  brokers: [`${host}:${ports.kafka.port}`],
  logLevel: logLevel.NOTHING,
});

async function consumeOne(consumer: Consumer, topic: string): Promise<{ key: string; value: string }[]> {
  const received: { key: string; value: string }[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
      return Promise.resolve();
    },
  });
  return received;
}

describe('MariaDB', () => {
  it('writes a durable row-based binlog with full row images, with memory for the working set', async () => {
    const connection = await mysql.createConnection({
      host,
      port: ports.mariadb.port,
      user: database.app.user,
      password: database.app.password,
      database: database.name,
    });
    try {
      const [rows] = await connection.query(
        'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS rowImage, ' +
          '@@sync_binlog AS syncBinlog, @@innodb_flush_log_at_trx_commit AS flush, @@bind_address AS bindAddress, ' +
          '@@innodb_buffer_pool_size AS bufferPool, @@innodb_log_file_size AS redoLog',
      );
      expect(rows).toEqual([
        {
          logBin: 1,
          format: 'ROW',
          rowImage: 'FULL',
          syncBinlog: 1,
          flush: 1,
          bindAddress: '127.0.0.1',
          bufferPool: 2 * 1024 ** 3,
          redoLog: 1024 ** 3,
        },
      ]);
    } finally {
      await connection.end();
    }
  });
});

/** The broker creates no topic on its own (auto.create.topics.enable=false): a test makes its own. */
async function createTopic(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka', () => {
  it('round-trips a message through a producer and a consumer group', async () => {
    const topic = `stack-test-${randomUUID()}`;
    await createTopic(topic);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `stack-test-${randomUUID()}` });
    await consumer.connect();
    try {
      const received = await consumeOne(consumer, topic);
      await waitFor('the consumer group to receive the produced message', () => received.length === 1, {
        timeoutMs: 30_000,
      });
      expect(received).toEqual([{ key: 'k', value: 'hello' }]);
    } finally {
      await consumer.disconnect();
    }
  });

  it('commits a transaction, visible to a read_committed consumer, and hides an aborted one', async () => {
    const topic = `stack-test-tx-${randomUUID()}`;
    await createTopic(topic);
    const producer = kafka.producer({
      transactionalId: `stack-test-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: 'k', value: 'aborted' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ key: 'k', value: 'committed' }] });
    await committed.commit();
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `stack-test-${randomUUID()}`, readUncommitted: false });
    await consumer.connect();
    try {
      const received = await consumeOne(consumer, topic);
      await waitFor('the committed transactional message', () => received.length >= 1, { timeoutMs: 30_000 });
      expect(received.map((message) => message.value)).toEqual(['committed']);
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('Kafka topics', () => {
  it('are never auto-created: a producer to an unknown topic fails and creates nothing', async () => {
    const topic = `stack-test-unknown-${randomUUID()}`;
    const producer = kafka.producer({
      allowAutoTopicCreation: true,
      retry: { retries: 2, maxRetryTime: 500 },
    });
    await producer.connect();
    try {
      await expect(producer.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('Kafka Connect', () => {
  it('has the Debezium MariaDB connector on its plugin path', async () => {
    const response = await axios.get<{ class: string; type: string }[]>(
      `http://${host}:${ports.connect.port}/connector-plugins`,
    );
    expect(response.data).toContainEqual(
      expect.objectContaining({ class: 'io.debezium.connector.mariadb.MariaDbConnector', type: 'source' }),
    );
  });
});

describe('Druid', () => {
  it('answers SQL on the broker', async () => {
    const response = await axios.post(`http://${host}:${ports.druidBroker.port}/druid/v2/sql`, {
      query: 'SELECT 1 + 1 AS "two"',
    });
    expect(response.data).toEqual([{ two: 2 }]);
  });

  it('runs the overlord inside the coordinator', async () => {
    const leader = await axios.get<string>(
      `http://${host}:${ports.druidCoordinator.port}/druid/indexer/v1/leader`,
    );
    expect(leader.data).toBe(`http://${host}:${ports.druidCoordinator.port}`);
    const supervisors = await axios.get<unknown[]>(
      `http://${host}:${ports.druidCoordinator.port}/druid/indexer/v1/supervisor`,
    );
    expect(Array.isArray(supervisors.data)).toBe(true);
  });

  it('proxies SQL through the router', async () => {
    // The web console's assets are not published to Maven Central, so the local router serves the APIs only.
    const response = await axios.post(`http://${host}:${ports.druidRouter.port}/druid/v2/sql`, {
      query: 'SELECT 40 + 2 AS "answer"',
    });
    expect(response.data).toEqual([{ answer: 42 }]);
  });
});
