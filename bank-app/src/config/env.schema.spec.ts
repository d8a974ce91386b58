import { validateEnv } from './env.schema';

describe('validateEnv', () => {
  it('gives the local stack defaults for an empty environment', () => {
    // toMatchObject: the variables of other parts of the app are tested with those parts.
    expect(validateEnv({})).toMatchObject({
      APP_PORT: 8080,
      APP_HOST: '127.0.0.1',
      DB_HOST: '127.0.0.1',
      DB_PORT: 3306,
      DB_NAME: 'bank',
      DB_USER: 'bank_app',
      DB_PASSWORD: 'bank_app_pw',
      DB_MIGRATION_USER: 'bank_migrator',
      DB_MIGRATION_PASSWORD: 'bank_migrator_pw',
      DB_POOL_SIZE: 16,
      DB_POOL_QUEUE_LIMIT: 64,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      CONNECT_URL: 'http://127.0.0.1:8083',
      DRUID_BROKER_URL: 'http://127.0.0.1:8082',
      DRUID_OVERLORD_URL: 'http://127.0.0.1:8081',
    });
  });

  it('reads and types the given values', () => {
    const env = validateEnv({
      APP_PORT: '9090',
      DB_PORT: '3307',
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      DRUID_BROKER_URL: 'http://druid:8082/',
    });

    expect(env.APP_PORT).toBe(9090);
    expect(env.DB_PORT).toBe(3307);
    expect(env.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9093']);
    expect(env.DRUID_BROKER_URL).toBe('http://druid:8082');
  });

  it.each([
    ['APP_PORT', 'eighty'],
    ['APP_PORT', '70000'],
    ['DB_PORT', '-1'],
    ['DB_POOL_SIZE', '0'],
    ['DB_POOL_QUEUE_LIMIT', '1.5'],
    ['KAFKA_BROKERS', 'localhost'],
    ['CONNECT_URL', 'not a url'],
    ['DRUID_OVERLORD_URL', 'ftp://druid:8081'],
    ['DB_NAME', 'bank; DROP'],
    ['PROJECTOR_FAULT_KILL_POINT', 'sometimes'],
  ])('refuses %s=%p and names the variable', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(name);
  });

  it('lists every bad variable at once', () => {
    expect(() => validateEnv({ APP_PORT: 'x', DB_PORT: 'y' })).toThrow(/APP_PORT[\s\S]*DB_PORT/);
  });
});
