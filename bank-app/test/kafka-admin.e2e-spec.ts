// The app holds one Kafka admin connection, the projector's included: readiness, /pipeline/status,
// /metrics and the projector (the partition counts it checks before writing) all ask Kafka through
// KafkaModule's KafkaAdmin. Every admin client kafkajs makes in this process is watched (the tests'
// own helper client excepted, by identity), whoever makes it: which Kafka client made it, when it is
// connected, and which admin each request went through.
//
// It fails when any part of the app makes a kafkajs client or admin of its own, as before KafkaModule:
// the projector's admin and two KafkaHealthClient instances were three admins, connected at once.
import { Kafka, type Admin } from 'kafkajs';
import { KAFKA_ADMIN_CLIENT } from '../src/kafka/kafka-admin';
import { startApp, type TestApp } from './support/app';
import { waitForProjectorConsuming } from './support/exactly-once';
import { kafka as testsKafka, waitForConnectorRunning } from './support/pipeline';

/** The admin requests the app's parts make: readiness (describeCluster), lag (offsets), projector. */
const WATCHED = ['describeCluster', 'fetchTopicOffsets', 'fetchOffsets', 'fetchTopicMetadata'] as const;

const created: { admin: Admin; by: Kafka }[] = [];
const open = new Set<Admin>();
let peakOpen = 0;
const usedBy = new Map<(typeof WATCHED)[number], Set<Admin>>();

function watch(admin: Admin): void {
  const connect = admin.connect.bind(admin);
  const disconnect = admin.disconnect.bind(admin);
  admin.connect = async () => {
    await connect();
    open.add(admin);
    peakOpen = Math.max(peakOpen, open.size);
  };
  admin.disconnect = async () => {
    await disconnect();
    open.delete(admin);
  };
  for (const name of WATCHED) {
    const request = (admin[name] as (...args: unknown[]) => Promise<unknown>).bind(admin);
    (admin[name] as unknown) = (...args: unknown[]) => {
      usedBy.set(name, (usedBy.get(name) ?? new Set()).add(admin));
      return request(...args);
    };
  }
}

let testApp: TestApp | undefined;

beforeAll(() => {
  const makeAdmin = Kafka.prototype.admin; // eslint-disable-line @typescript-eslint/unbound-method
  jest.spyOn(Kafka.prototype, 'admin').mockImplementation(function (this: Kafka, ...args) {
    const admin = makeAdmin.apply(this, args);
    if (this !== testsKafka) {
      created.push({ admin, by: this });
      watch(admin);
    }
    return admin;
  });
});

afterAll(async () => {
  await testApp?.close();
  jest.restoreAllMocks();
});

it('asks Kafka through one admin connection, and closes it with the app', async () => {
  testApp = await startApp();
  await waitForConnectorRunning();
  // A withdrawal projected: the projector has opened a partition's writer (partition counts checked).
  await waitForProjectorConsuming(testApp);
  for (const path of ['/health/ready', '/pipeline/status', '/metrics']) {
    expect([200, 503]).toContain((await testApp.api().get(path)).status);
  }

  expect({
    adminsCreated: created.length,
    kafkaClients: new Set(created.map(({ by }) => by)).size,
    peakConnectedAtOnce: peakOpen,
    adminsUsed: new Set([...usedBy.values()].flatMap((admins) => [...admins])).size,
    requestsSeen: [...usedBy.keys()].sort(),
  }).toEqual({
    adminsCreated: 1,
    kafkaClients: 1,
    peakConnectedAtOnce: 1,
    adminsUsed: 1,
    requestsSeen: [...WATCHED].sort(),
  });
  expect(created[0].by).toBe(testApp.app.get(KAFKA_ADMIN_CLIENT)); // KafkaModule's admin client

  await testApp.close();
  testApp = undefined;
  expect(open.size).toBe(0);
});
