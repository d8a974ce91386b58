import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka.logging';

describe('kafkaLogCreator', () => {
  const logger = { error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() };
  const log = kafkaLogCreator(logger)(logLevel.WARN);

  beforeEach(() => jest.clearAllMocks());

  it("writes kafkajs' message as msg and its fields as fields, at its level", () => {
    log({
      namespace: 'Runner',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2026-12-06T12:00:00.000Z',
        logger: 'kafkajs',
        message: 'Restarting the consumer in 300ms',
        groupId: 'g',
        retryCount: 1,
        retryTime: 300,
      },
    });

    expect(logger.error).toHaveBeenCalledWith(
      { namespace: 'Runner', groupId: 'g', retryCount: 1, retryTime: 300 },
      'Restarting the consumer in 300ms',
    );
  });

  it.each([
    [logLevel.WARN, 'warn'],
    [logLevel.INFO, 'info'],
    [logLevel.DEBUG, 'debug'],
  ] as const)('maps kafkajs level %i to %s', (level, method) => {
    log({
      namespace: 'Connection',
      level,
      label: '',
      log: { timestamp: '', logger: 'kafkajs', message: 'm', broker: 'b:9092' },
    });

    expect(logger[method]).toHaveBeenCalledWith({ namespace: 'Connection', broker: 'b:9092' }, 'm');
  });
});
