import { Module } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { KAFKA_ADMIN_CLIENT, KafkaAdmin } from './kafka-admin';
import { kafkaLogCreator } from './kafka.logging';

/** The app's client id: every connection the app opens to the brokers carries it. */
export const KAFKA_CLIENT_ID = 'bank-app';

/**
 * Kafka, for every module that talks to it: the client (the projector makes its consumer and its
 * transactional producers from it) and the one admin connection (KafkaAdmin). The topic names are in
 * kafka.topics.ts beside this file.
 */
@Module({
  providers: [
    {
      provide: Kafka,
      inject: [AppConfig, PinoLogger],
      useFactory: (config: AppConfig, logger: PinoLogger): Kafka => {
        logger.setContext('kafkajs');
        return new Kafka({
          clientId: KAFKA_CLIENT_ID,
          brokers: config.kafka.brokers,
          logLevel: logLevel.WARN,
          logCreator: kafkaLogCreator(logger),
        });
      },
    },
    {
      // Short timeouts and few, quick retries (kafkajs needs one now and then while it refreshes
      // metadata): the admin answers health checks, which must report an outage, not wait it out. It
      // logs nothing: its failures are what those checks report.
      provide: KAFKA_ADMIN_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Kafka =>
        new Kafka({
          clientId: KAFKA_CLIENT_ID,
          brokers: config.kafka.brokers,
          connectionTimeout: Math.min(1000, config.health.checkTimeoutMs),
          requestTimeout: config.health.checkTimeoutMs,
          retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
          logLevel: logLevel.NOTHING,
        }),
    },
    KafkaAdmin,
  ],
  exports: [Kafka, KafkaAdmin],
})
export class KafkaModule {}
