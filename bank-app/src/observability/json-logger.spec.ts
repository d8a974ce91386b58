import { logRecord } from './json-logger';
import { requestContext } from './request-context';

describe('logRecord', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');

  it('has time, level, context and message', () => {
    expect(logRecord('log', 'started', 'Main', now)).toEqual({
      time: '2026-11-23T12:00:00.000Z',
      level: 'log',
      context: 'Main',
      msg: 'started',
    });
  });

  it('carries the request id of the request being handled', () => {
    const record = requestContext.run({ requestId: 'req-1' }, () => logRecord('warn', 'slow', 'X', now));

    expect(record).toMatchObject({ requestId: 'req-1', msg: 'slow' });
  });

  it('turns a Kafka position named in the message into topic, partition and offset fields', () => {
    expect(logRecord('warn', 'dead-lettering debit_card[2]@41: bad json', 'P', now)).toMatchObject({
      topic: 'debit_card',
      partition: 2,
      offset: '41',
    });
    expect(logRecord('log', 'skipped 1 duplicate event(s) in debit_card[0]', 'P', now)).toMatchObject({
      topic: 'debit_card',
      partition: 0,
    });
  });

  it('spreads a structured message into fields', () => {
    expect(logRecord('log', { msg: 'request completed', status: 202 }, 'HTTP', now)).toMatchObject({
      msg: 'request completed',
      status: 202,
    });
  });
});
