// Where the local stack lives, which ports it uses and which environment variable moves each one.
// Every other launcher file reads its paths and ports from here.
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
/** Everything the stack installs, runs and logs lives here (covered by .gitignore). */
export const stackHome = path.resolve(process.env.STACK_HOME ?? path.join(repoRoot, '.stack'));

export const paths = {
  stackHome,
  logs: path.join(stackHome, 'logs'),
  run: path.join(stackHome, 'run'),
  data: path.join(stackHome, 'data'),
  conf: path.join(stackHome, 'conf'),
  tmp: path.join(stackHome, 'tmp'),
  kafkaLib: path.join(stackHome, 'kafka', 'lib'),
  connectPlugins: path.join(stackHome, 'kafka', 'plugins'),
  druidLib: path.join(stackHome, 'druid', 'lib'),
  druidExtensions: path.join(stackHome, 'druid', 'extensions'),
  jarsPom: path.join(repoRoot, 'stack', 'jars', 'pom.xml'),
  mavenSettings: path.join(repoRoot, 'stack', 'jars', 'settings.xml'),
};

export interface PortSetting {
  variable: string;
  port: number;
}

function port(variable: string, fallback: number): PortSetting {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return { variable, port: fallback };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${variable}=${raw} is not a TCP port (1-65535)`);
  }
  return { variable, port: value };
}

/** The ports of the README's table: the ones both stacks publish, and the local stack's internal ones. */
export const ports = {
  app: port('APP_PORT', 8080),
  mariadb: port('DB_PORT', 3306),
  kafka: port('KAFKA_PORT', 9092),
  kafkaController: port('KAFKA_CONTROLLER_PORT', 9093),
  connect: port('CONNECT_PORT', 8083),
  zookeeper: port('ZOOKEEPER_PORT', 2181),
  druidCoordinator: port('DRUID_COORDINATOR_PORT', 8081),
  druidBroker: port('DRUID_BROKER_PORT', 8082),
  // Druid's historical defaults to 8083, which is Kafka Connect's: moved.
  druidHistorical: port('DRUID_HISTORICAL_PORT', 8084),
  druidIndexer: port('DRUID_INDEXER_PORT', 8091),
  druidRouter: port('DRUID_ROUTER_PORT', 8888),
  derby: port('DRUID_METADATA_PORT', 1527),
};

export const host = '127.0.0.1';

/** Where the stack's own JVMs (Connect, Druid) reach Kafka. */
export const kafkaBootstrap = `${host}:${ports.kafka.port}`;

/** Credentials of the local demo stack. The launcher creates these users; compose has its own .env. */
export const database = {
  name: 'bank',
  migrator: { user: 'bank_migrator', password: process.env.DB_MIGRATION_PASSWORD ?? 'bank_migrator_pw' },
  app: { user: 'bank_app', password: process.env.DB_PASSWORD ?? 'bank_app_pw' },
  debezium: { user: 'debezium', password: process.env.DEBEZIUM_DB_PASSWORD ?? 'debezium_pw' },
};

/**
 * The environment bank-app needs to reach this stack: derived from the ports above, so moving a port
 * (KAFKA_PORT=19092) moves the app's client with it. Variables the user set explicitly win.
 */
export function appEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const derived: Record<string, string> = {
    APP_PORT: String(ports.app.port),
    DB_HOST: host,
    DB_PORT: String(ports.mariadb.port),
    KAFKA_BROKERS: `${host}:${ports.kafka.port}`,
    CONNECT_URL: `http://${host}:${ports.connect.port}`,
    DRUID_BROKER_URL: `http://${host}:${ports.druidBroker.port}`,
    DRUID_OVERLORD_URL: `http://${host}:${ports.druidCoordinator.port}`,
  };
  const result: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(derived)) {
    if (result[name] === undefined || result[name] === '') result[name] = value;
  }
  return result;
}
