// kafkajs' log entries as the app's log lines: its level, its message as msg, and the fields it
// attaches (broker, clientId, groupId, topic, partition, error, retryCount, retryTime…) as fields of
// the line, with its namespace (Consumer, Producer, Connection…).
import { logLevel, type logCreator } from 'kafkajs';
import type { PinoLogger } from 'nestjs-pino';

type Method = 'error' | 'warn' | 'info' | 'debug';

const METHODS: Record<number, Method> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function kafkaLogCreator(logger: Pick<PinoLogger, Method>): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs repeats its own time and name in every entry; the line has its own.
      const fields: Record<string, unknown> = { namespace, ...log };
      delete fields.message;
      delete fields.timestamp;
      delete fields.logger;
      logger[METHODS[level] ?? 'info'](fields, log.message);
    };
}
