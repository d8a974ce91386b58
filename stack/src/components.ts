// The components of the local stack: how each is prepared once, started, and probed for readiness.
// Order matters only through `after`: a component starts once the ones it needs are ready.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { localConnectEnvironment } from './connector';
import { jvmCommand } from './java';
import { mariadbBinary } from './install';
import { druidHealthy, httpOk, kafkaReady, mariadbAlive, zookeeperOk } from './probes';
import type { StartCommand } from './processes';
import { database, host, paths, ports, type PortSetting } from './settings';
import { localDruidEnvironment } from './supervisor';
import { renderConfig } from './templates';

const run = promisify(execFile);

export interface Component {
  name: string;
  /** The port shown in the status table; every port in `ports` must be free before start. */
  port: PortSetting;
  ports: PortSetting[];
  after: string[];
  /** What the launcher waits for, in words, for the progress output. */
  waitingFor: string;
  startTimeoutMs: number;
  /** One-time or every-start preparation (config rendering, data directory initialisation). */
  prepare(): Promise<void>;
  command(): StartCommand;
  ready(): Promise<boolean>;
  /** Runs after the component is ready (for example: create the database users). */
  afterReady?(): Promise<void>;
}

const mariadbData = path.join(paths.data, 'mariadb');
export const mariadbSocket = path.join(paths.run, 'mariadb.sock');

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Database, users and grants; safe to run on every start (keeps passwords in line with the environment). */
function mariadbBootstrapSql(): string {
  const account = (user: string) => `${sqlString(user)}@'127.0.0.1'`;
  const { migrator, app, debezium } = database;
  const lines = [
    `CREATE DATABASE IF NOT EXISTS ${database.name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    ...[migrator, app, debezium].flatMap(({ user, password }) => [
      `CREATE USER IF NOT EXISTS ${account(user)} IDENTIFIED BY ${sqlString(password)}`,
      `ALTER USER ${account(user)} IDENTIFIED BY ${sqlString(password)}`,
    ]),
    // Migrations only: DDL on the application's database, nothing else.
    `GRANT ALL PRIVILEGES ON ${database.name}.* TO ${account(migrator.user)}`,
    // The running application: data only, no DDL, no replication.
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${database.name}.* TO ${account(app.user)}`,
    // Exactly the grants Debezium documents for reading the binlog.
    `GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${account(debezium.user)}`,
  ];
  return lines.map((line) => `${line};`).join('\n');
}

const mariadb: Component = {
  name: 'mariadb',
  port: ports.mariadb,
  ports: [ports.mariadb],
  after: [],
  waitingFor: `mariadb-admin ping on ${mariadbSocket}`,
  startTimeoutMs: 60_000,
  async prepare() {
    if (fs.existsSync(path.join(mariadbData, 'mysql'))) return;
    fs.mkdirSync(mariadbData, { recursive: true });
    const asRoot = os.userInfo().uid === 0 ? ['--user=root'] : [];
    await run(mariadbBinary('mariadb-install-db'), [
      '--no-defaults',
      `--datadir=${mariadbData}`,
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      ...asRoot,
    ]);
  },
  command() {
    const asRoot = os.userInfo().uid === 0 ? ['--user=root'] : [];
    return {
      command: mariadbBinary('mariadbd'),
      args: [
        '--no-defaults',
        `--datadir=${mariadbData}`,
        `--socket=${mariadbSocket}`,
        `--pid-file=${path.join(paths.run, 'mariadb.pid')}`,
        `--port=${ports.mariadb.port}`,
        `--bind-address=${host}`,
        '--skip-name-resolve',
        '--server-id=1',
        `--log-bin=${path.join(mariadbData, 'mariadb-bin')}`,
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--binlog-expire-logs-seconds=604800',
        // Durable: every commit is on disk, in InnoDB and in the binlog, before the client hears OK.
        '--sync-binlog=1',
        '--innodb-flush-log-at-trx-commit=1',
        // Room for the whole working set (the read model, the idempotency keys of the last 24 h and
        // their indexes): with a smaller pool, random-key inserts read pages from disk and the rebuild
        // slows down markedly (docs/benchmarks.md has the measurement).
        '--innodb-buffer-pool-size=2G',
        // A larger redo log: fewer checkpoint flushes under bulk writes (the rebuild).
        '--innodb-log-file-size=1G',
        '--max-connections=300',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_bin',
        '--default-time-zone=+00:00',
        ...asRoot,
      ],
    };
  },
  ready: () => mariadbAlive(mariadbSocket),
  async afterReady() {
    // mariadb-install-db gives the OS user who ran it a unix_socket superuser account.
    const osUser = os.userInfo().username;
    const child = execFile('mariadb', ['--no-defaults', `--socket=${mariadbSocket}`, `--user=${osUser}`]);
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`creating the database users failed: ${stderr.trim()}`)),
      );
      child.stdin?.end(mariadbBootstrapSql());
    });
  },
};

function kafkaClasspath(): string[] {
  return [path.join(paths.kafkaLib, '*')];
}

const log4jForKafka = () => renderConfig('stack/config/log4j2.xml', 'kafka/log4j2.xml');

/**
 * A KRaft cluster id: 22 characters, base64url of 16 random bytes. One that starts with "-" would be
 * read by kafka-storage as an option (Kafka's own random-uuid never makes one), so it is drawn again.
 */
export function newKafkaClusterId(randomBytes: (size: number) => Buffer = crypto.randomBytes): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const kafka: Component = {
  name: 'kafka',
  port: ports.kafka,
  ports: [ports.kafka, ports.kafkaController],
  after: [],
  waitingFor: `a broker with a controller in the cluster metadata on ${host}:${ports.kafka.port}`,
  startTimeoutMs: 90_000,
  async prepare() {
    const config = renderConfig('stack/config/kafka/server.properties', 'kafka/server.properties');
    if (fs.existsSync(path.join(paths.data, 'kafka', 'meta.properties'))) return;
    // KRaft needs its storage formatted once with a cluster id.
    const clusterId = newKafkaClusterId();
    const { command, args } = jvmCommand({
      heapMb: 256,
      classpath: kafkaClasspath(),
      mainClass: 'kafka.tools.StorageTool',
      args: ['format', '-t', clusterId, '-c', config, '--ignore-formatted'],
      systemProperties: { 'log4j2.configurationFile': log4jForKafka() },
    });
    await run(command, args, { timeout: 120_000 });
  },
  command: () =>
    jvmCommand({
      heapMb: 512,
      classpath: kafkaClasspath(),
      mainClass: 'kafka.Kafka',
      args: [path.join(paths.conf, 'kafka', 'server.properties')],
      systemProperties: { 'log4j2.configurationFile': log4jForKafka() },
    }),
  ready: () => kafkaReady(ports.kafka.port),
};

/** A Connect worker of this stack; `env` is what the connector configs' `${env:NAME}` placeholders read. */
export function connectWorkerCommand(workerProperties: string, env: Record<string, string>): StartCommand {
  return {
    ...jvmCommand({
      heapMb: 512,
      classpath: kafkaClasspath(),
      mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
      args: [workerProperties],
      systemProperties: { 'log4j2.configurationFile': log4jForKafka() },
    }),
    env,
  };
}

const connect: Component = {
  name: 'connect',
  port: ports.connect,
  ports: [ports.connect],
  after: ['kafka'],
  waitingFor: `GET http://${host}:${ports.connect.port}/connectors`,
  startTimeoutMs: 120_000,
  prepare() {
    renderConfig('connect/local/worker.properties', 'connect/worker.properties');
    return Promise.resolve();
  },
  command: () =>
    connectWorkerCommand(path.join(paths.conf, 'connect', 'worker.properties'), localConnectEnvironment()),
  ready: () => httpOk(`http://${host}:${ports.connect.port}/connectors`),
};

// Java 17 closes the JDK internals that Druid's memory management and Guice reach into.
const druidModuleFlags = [
  '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED',
];

function renderDruidCommon(): string {
  return renderConfig('druid/local/_common', 'druid/_common');
}

const zookeeper: Component = {
  name: 'zookeeper',
  port: ports.zookeeper,
  ports: [ports.zookeeper],
  after: [],
  waitingFor: `"imok" to "ruok" on ${host}:${ports.zookeeper.port}`,
  startTimeoutMs: 60_000,
  prepare() {
    renderDruidCommon();
    renderConfig('druid/local/zookeeper', 'druid/zookeeper');
    fs.mkdirSync(path.join(paths.data, 'zookeeper'), { recursive: true });
    return Promise.resolve();
  },
  command: () =>
    jvmCommand({
      heapMb: 128,
      classpath: [path.join(paths.druidLib, '*')],
      mainClass: 'org.apache.zookeeper.server.ZooKeeperServerMain',
      args: [path.join(paths.conf, 'druid', 'zookeeper', 'zoo.cfg')],
      systemProperties: {
        'zookeeper.admin.enableServer': 'false',
        'log4j.configurationFile': path.join(paths.conf, 'druid', '_common', 'log4j2.xml'),
      },
      extraFlags: ['-XX:TieredStopAtLevel=1'],
    }),
  ready: () => zookeeperOk(ports.zookeeper.port),
};

interface DruidService {
  name: string;
  folder: string;
  cliName: string;
  port: PortSetting;
  extraPorts?: PortSetting[];
  heapMb: number;
  directMb: number;
  after: string[];
}

function druidComponent(service: DruidService): Component {
  return {
    name: service.name,
    port: service.port,
    ports: [service.port, ...(service.extraPorts ?? [])],
    after: service.after,
    waitingFor: `GET http://${host}:${service.port.port}/status/health = true`,
    startTimeoutMs: 180_000,
    prepare() {
      renderDruidCommon();
      renderConfig(`druid/local/${service.folder}`, `druid/${service.folder}`);
      fs.mkdirSync(path.join(paths.data, 'druid'), { recursive: true });
      fs.mkdirSync(path.join(paths.stackHome, 'druid', 'hadoop-dependencies'), { recursive: true });
      return Promise.resolve();
    },
    command: () => ({
      ...jvmCommand({
        heapMb: service.heapMb,
        directMb: service.directMb,
        classpath: [
          path.join(paths.conf, 'druid', service.folder),
          path.join(paths.conf, 'druid', '_common'),
          path.join(paths.druidLib, '*'),
        ],
        mainClass: 'org.apache.druid.cli.Main',
        args: ['server', service.cliName],
        systemProperties: {
          'log4j.configurationFile': path.join(paths.conf, 'druid', '_common', 'log4j2.xml'),
          'java.util.logging.manager': 'org.apache.logging.log4j.jul.LogManager',
          'druid.node.type': service.cliName,
        },
        extraFlags: druidModuleFlags,
      }),
      env: localDruidEnvironment(),
    }),
    ready: () => druidHealthy(service.port.port),
  };
}

// Direct memory covers processing.buffer.sizeBytes (32 MiB) x (numThreads 1 + numMergeBuffers 2 + 1).
const druidCoordinator = druidComponent({
  name: 'druid-coordinator',
  folder: 'coordinator-overlord',
  cliName: 'coordinator',
  port: ports.druidCoordinator,
  extraPorts: [ports.derby],
  heapMb: 384,
  directMb: 64,
  after: ['zookeeper'],
});
const druidBroker = druidComponent({
  name: 'druid-broker',
  folder: 'broker',
  cliName: 'broker',
  port: ports.druidBroker,
  heapMb: 512,
  directMb: 192,
  after: ['druid-coordinator'],
});
const druidHistorical = druidComponent({
  name: 'druid-historical',
  folder: 'historical',
  cliName: 'historical',
  port: ports.druidHistorical,
  heapMb: 384,
  directMb: 192,
  after: ['druid-coordinator'],
});
const druidIndexer = druidComponent({
  name: 'druid-indexer',
  folder: 'indexer',
  cliName: 'indexer',
  port: ports.druidIndexer,
  heapMb: 512,
  directMb: 192,
  after: ['druid-coordinator'],
});
const druidRouter = druidComponent({
  name: 'druid-router',
  folder: 'router',
  cliName: 'router',
  port: ports.druidRouter,
  heapMb: 128,
  directMb: 64,
  after: ['druid-coordinator'],
});

/** In start order; `stack:down` stops them in reverse. */
export const components: Component[] = [
  mariadb,
  zookeeper,
  kafka,
  connect,
  druidCoordinator,
  druidBroker,
  druidHistorical,
  druidIndexer,
  druidRouter,
];

export function componentNamed(name: string): Component {
  const component = components.find((candidate) => candidate.name === name);
  if (!component) {
    throw new Error(`unknown component "${name}"; known: ${components.map((c) => c.name).join(', ')}`);
  }
  return component;
}

/** The named components plus everything they need, in start order. */
export function withDependencies(names: string[]): Component[] {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    componentNamed(name).after.forEach(visit);
  };
  names.forEach(visit);
  return components.filter((component) => wanted.has(component.name));
}
