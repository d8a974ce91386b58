import { Module } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { KafkaAdmin } from './kafka-admin';
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
    KafkaAdmin,
  ],
  exports: [Kafka, KafkaAdmin],
})
export class KafkaModule {}
