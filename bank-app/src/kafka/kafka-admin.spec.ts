import type { Admin, Kafka } from 'kafkajs';
import type { AppConfig } from '../config/app-config';
import { KafkaAdmin } from './kafka-admin';

describe('KafkaAdmin', () => {
  let sut: KafkaAdmin;
  const admins: Record<'connect' | 'disconnect' | 'describeCluster', jest.Mock>[] = [];
  const kafka = {
    admin: jest.fn(() => {
      const admin = {
        connect: jest.fn().mockResolvedValue(undefined),
        disconnect: jest.fn().mockResolvedValue(undefined),
        describeCluster: jest.fn().mockResolvedValue({ brokers: [{}, {}] }),
      };
      admins.push(admin);
      return admin as unknown as Admin;
    }),
  };

  beforeEach(() => {
    admins.length = 0;
    kafka.admin.mockClear();
    sut = new KafkaAdmin(kafka as unknown as Kafka, { health: { checkTimeoutMs: 50 } } as AppConfig);
  });

  it('makes one admin connection, lazily, and shares it between every caller', async () => {
    expect(kafka.admin).not.toHaveBeenCalled();

    await Promise.all([sut.brokers(), sut.use((admin) => admin.describeCluster()), sut.brokers()]);

    expect(kafka.admin).toHaveBeenCalledTimes(1);
    expect(admins[0].connect).toHaveBeenCalledTimes(1);
    expect(admins[0].describeCluster).toHaveBeenCalledTimes(3);
  });

  it('drops the connection after a failure and makes a new one for the next call', async () => {
    await expect(sut.use(() => Promise.reject(new Error('broker went away')))).rejects.toThrow(
      'broker went away',
    );
    await expect(sut.brokers()).resolves.toBe(2);

    expect(kafka.admin).toHaveBeenCalledTimes(2);
    expect(admins[0].disconnect).toHaveBeenCalledTimes(1);
    expect(admins[1].disconnect).not.toHaveBeenCalled();
  });

  it('gives a bounded question up after its timeout, and drops the connection', async () => {
    const hanging = sut.use(() => new Promise<never>(() => undefined), 50);

    await expect(hanging).rejects.toThrow('Kafka did not answer within 50 ms');
    expect(admins[0].disconnect).toHaveBeenCalledTimes(1);
  });

  it('closes the connection at shutdown and refuses to open another', async () => {
    await sut.brokers();
    await sut.onApplicationShutdown();

    expect(admins[0].disconnect).toHaveBeenCalledTimes(1);
    await expect(sut.brokers()).rejects.toThrow('the Kafka admin client is closed');
    expect(kafka.admin).toHaveBeenCalledTimes(1);
  });
});
