// The projector's "already published" offset, read against the real broker: right after a transaction
// that commits offsets, and right after a new owner fences the old one, the stable read must return
// the offset just committed. (A plain OffsetFetch, kafkajs' admin.fetchOffsets, can still return the
// previous offset right after a commit; docs/benchmarks.md says how often.)
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { loadAppConfig } from '../src/config/app-config';
import { fetchStableOffsets } from '../src/projector/stable-offsets';
import { kafka } from './support/pipeline';

const brokers = loadAppConfig().kafka.brokers;
const SOURCE_TOPIC = 'stable_offsets_test_source';
const OUTPUT_TOPIC = 'stable_offsets_test_output';
// A plain read is stale in only a small share of rounds: this many leave it no chance to pass by luck.
const ROUNDS = 200;
const HAND_OVERS = 50;

const readStable = (groupId: string) =>
  fetchStableOffsets({ brokers, clientId: 'stable-offsets-test' }, groupId, SOURCE_TOPIC, [0, 1]);

function transactionalProducer(transactionalId: string): Producer {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
}

/** One transaction that writes a record and commits `offset` for partition 0 of the source topic. */
async function commitOffset(producer: Producer, groupId: string, offset: number): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.send({ topic: OUTPUT_TOPIC, messages: [{ value: String(offset) }] });
  await transaction.sendOffsets({
    consumerGroupId: groupId,
    topics: [{ topic: SOURCE_TOPIC, partitions: [{ partition: 0, offset: String(offset) }] }],
  });
  await transaction.commit();
}

describe('stable committed offsets (OffsetFetch v7, require_stable)', () => {
  const admin = kafka.admin();
  const producers: Producer[] = [];

  beforeAll(async () => {
    await admin.connect();
    // The broker does not auto-create topics; creating an existing one is a no-op (false).
    await admin.createTopics({
      topics: [
        { topic: SOURCE_TOPIC, numPartitions: 2 },
        { topic: OUTPUT_TOPIC, numPartitions: 1 },
      ],
    });
  });

  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.disconnect()));
    await admin.disconnect();
  });

  it('answers -1 for partitions a group never committed', async () => {
    const offsets = await readStable(`stable-offsets-test-${randomUUID()}`);
    expect([...offsets.entries()].sort()).toEqual([
      [0, -1n],
      [1, -1n],
    ]);
  });

  it('returns the offset a transaction just committed, every time', async () => {
    const groupId = `stable-offsets-test-${randomUUID()}`;
    const producer = transactionalProducer(`stable-offsets-test-${randomUUID()}`);
    producers.push(producer);
    await producer.connect();
    const answers: bigint[] = [];
    for (let offset = 1; offset <= ROUNDS; offset += 1) {
      await commitOffset(producer, groupId, offset);
      answers.push((await readStable(groupId)).get(0) ?? -2n);
    }
    expect(answers).toEqual(Array.from({ length: ROUNDS }, (_, index) => BigInt(index + 1)));
  });

  it('returns the old owner’s last commit to a new owner that has just fenced it', async () => {
    const groupId = `stable-offsets-test-${randomUUID()}`;
    const transactionalId = `stable-offsets-test-${randomUUID()}`;
    const answers: bigint[] = [];
    for (let offset = 1; offset <= HAND_OVERS; offset += 1) {
      const oldOwner = transactionalProducer(transactionalId);
      await oldOwner.connect();
      await commitOffset(oldOwner, groupId, offset);
      const newOwner = transactionalProducer(transactionalId);
      await newOwner.connect(); // InitProducerId: fences oldOwner, waits for its transaction to complete
      answers.push((await readStable(groupId)).get(0) ?? -2n);
      await Promise.all([oldOwner.disconnect(), newOwner.disconnect()]);
    }
    expect(answers).toEqual(Array.from({ length: HAND_OVERS }, (_, index) => BigInt(index + 1)));
  });

  it('fails with a clear error when no broker answers', async () => {
    await expect(
      fetchStableOffsets(
        { brokers: ['127.0.0.1:1'], clientId: 'stable-offsets-test', timeoutMs: 300 },
        'any-group',
        SOURCE_TOPIC,
        [0],
      ),
    ).rejects.toThrow(
      /no stable committed offsets for group any-group \(FindCoordinator failed: .*ECONNREFUSED/,
    );
  });
});
