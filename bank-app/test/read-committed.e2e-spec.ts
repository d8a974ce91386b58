// Why each `ministatement` partition has exactly one transactional writer. A read_committed kafkajs
// consumer (2.2.4, the client this sample uses) skips aborted records exactly when one producer's
// transactions follow each other in a partition. When two producers' aborted transactions interleave,
// it lets records through: its filter takes the aborted transactions in the order the broker lists
// them (by abort, not by first offset) and steps into at most one per record. Kafka's Java client
// skips them in both layouts. The sequences are fixed, so the outcome is the same on every run.
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { kafka, readCommitted, readCommittedWithJava } from './support/pipeline';

const runId = randomUUID().slice(0, 8);
const topics: string[] = [];
const producers: Producer[] = [];

async function newTopic(name: string): Promise<string> {
  const topic = `read-committed-${name}-${runId}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  topics.push(topic);
  return topic;
}

async function transactionalProducer(name: string): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId: `read-committed-${name}-${runId}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  producers.push(producer);
  return producer;
}

/** Begins a transaction on `producer` and sends `values` in it; returns the open transaction. */
async function sendInTransaction(producer: Producer, topic: string, values: string[]) {
  const transaction = await producer.transaction();
  await transaction.send({ topic, messages: values.map((value) => ({ value })) });
  return transaction;
}

async function valuesReadBy(topic: string) {
  const values = (records: { value: string | null }[]) => records.map((record) => record.value);
  return {
    kafkajs: values(await readCommitted(topic)),
    java: values(await readCommittedWithJava(topic)),
  };
}

afterAll(async () => {
  await Promise.all(producers.map((producer) => producer.disconnect()));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

it('reads exactly the committed records when one producer writes the partition (the projector layout)', async () => {
  const topic = await newTopic('one-writer');
  const writer = await transactionalProducer('one-writer');
  await (await sendInTransaction(writer, topic, ['aborted-1'])).abort();
  await (await sendInTransaction(writer, topic, ['committed-1'])).commit();
  await (await sendInTransaction(writer, topic, ['aborted-2', 'aborted-3'])).abort();
  await (await sendInTransaction(writer, topic, ['committed-2'])).commit();

  expect(await valuesReadBy(topic)).toEqual({
    kafkajs: ['committed-1', 'committed-2'],
    java: ['committed-1', 'committed-2'],
  });
});

it('lets an aborted record through kafkajs when two producers’ aborted transactions interleave', async () => {
  const topic = await newTopic('interleaved');
  const [first, second, third] = await Promise.all(
    ['first', 'second', 'third'].map((name) => transactionalProducer(`interleaved-${name}`)),
  );
  const opened = await sendInTransaction(first, topic, ['aborted-first']);
  const openedLater = await sendInTransaction(second, topic, ['aborted-second']);
  await openedLater.abort(); // aborted before the transaction that began earlier
  await opened.abort();
  await (await sendInTransaction(third, topic, ['committed'])).commit();

  expect(await valuesReadBy(topic)).toEqual({
    kafkajs: ['aborted-first', 'committed'],
    java: ['committed'],
  });
});
