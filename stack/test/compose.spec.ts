// The Docker Compose flavour, proven without Docker: docker-compose.yml against the Compose Specification's
// JSON schema and against what broke the original sample (floating images, missing health checks,
// hard-coded addresses, other ports than the README's ports table); the registration files' placeholders
// against the values each stack gives them; and bank-app's Dockerfile against the way the launcher builds and
// starts the app. Static: it needs no component of the stack (unit tier); the checks against the running
// stack (the real Kafka Connect's validate endpoint, MariaDB, the app built and started) are in
// compose-stack.spec.ts.
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { connectorSpec, envPlaceholders, localConnectEnvironment } from '../src/connector';
import { configuredEndpoints } from '../src/register';
import { database, host, ports, repoRoot } from '../src/settings';
import { localDruidEnvironment, supervisorEnvVariables } from '../src/supervisor';
import {
  bankAppImage,
  bankAppStages,
  compose,
  composeEnv,
  composeText,
  env,
  initScript,
  initSql,
  parseEnvFile,
  rawCompose,
  read,
  services,
  stage,
  values,
} from './support/compose-files';

/** A property of one of the Maven modules that fetch the local stack's jars. */
function pomProperty(module: string, property: string): string {
  const pom = read(`stack/jars/${module}/pom.xml`);
  const match = new RegExp(`<${property}>([^<]+)</${property}>`).exec(pom);
  if (!match) throw new Error(`${property} not found in stack/jars/${module}/pom.xml`);
  return match[1];
}

// ---------------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, as written and once interpolated', () => {
    const schema = JSON.parse(read('stack/test/fixtures/compose-spec/compose-spec.json')) as {
      $schema: string;
    };
    // The upstream schema is not ours to tidy: allow its union types, and register draft-07 under the
    // https address it names.
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false });
    ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
    const validate = ajv.compile(schema);
    // The fixture is the published file, unedited (its README records the checksum).
    const checksum = createHash('sha256')
      .update(fs.readFileSync(path.join(repoRoot, 'stack/test/fixtures/compose-spec/compose-spec.json')))
      .digest('hex');
    expect(read('stack/test/fixtures/compose-spec/README.md')).toContain(checksum);

    // A misspelt key must fail, or a pass below would prove nothing.
    expect(validate({ services: { probe: { image: 'busybox:1.37.0', healthchek: {} } } })).toBe(false);
    expect(validate(rawCompose) ? [] : validate.errors).toEqual([]);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('pins every image, and the Dockerfiles it builds, to a version', () => {
    // postgres numbers its releases major.minor; the others use three (or more) parts.
    const pinned = (image: string): boolean => {
      const [, name, tag] = /^([^:@]+):([^@]+)$/.exec(image) ?? [];
      if (!name || !tag || tag === 'latest') return false;
      const parts = name === 'postgres' ? 2 : 3;
      return new RegExp(`^\\d+(\\.\\d+){${parts - 1},}(\\.Final)?(-[a-z0-9]+)*$`).test(tag);
    };
    const images = Object.values(services).flatMap((service) => (service.image ? [service.image] : []));
    const stageNames = new Set(bankAppStages.map((candidate) => candidate.name));
    const bases = bankAppStages.map((candidate) => candidate.from).filter((from) => !stageNames.has(from));
    expect([...images, ...bases].filter((image) => !pinned(image))).toEqual([]);
    // Every other service is built from one of those Dockerfiles.
    for (const [name, service] of Object.entries(services)) {
      expect({ name, imageOrBuild: Boolean(service.image) !== Boolean(service.build) }).toEqual({
        name,
        imageOrBuild: true,
      });
    }

    // The same versions as the local stack, where the component is the same.
    expect(services.kafka.image).toBe(`apache/kafka:${pomProperty('kafka', 'kafka.version')}`);
    expect(services.connect.image).toBe(
      `quay.io/debezium/connect:${pomProperty('kafka', 'debezium.version')}`,
    );
    expect(services.connect.image).toMatch(/^quay\.io\/debezium\/connect:\d+\.\d+\.\d+\.Final$/);
    for (const name of Object.keys(services).filter((service) => service.startsWith('druid-'))) {
      expect(services[name].image).toBe(`apache/druid:${pomProperty('druid', 'druid.version')}`);
    }
    expect(services.mysql.image).toMatch(/^mysql:8\.4\.\d+$/);
    expect(bankAppStages.filter((candidate) => !stageNames.has(candidate.from))[0].from).toMatch(
      /^node:20\.\d+\.\d+-/,
    );
  });

  // One-shot services are those another service waits on to complete.
  const oneShot = new Set(
    Object.values(services).flatMap((service) =>
      Object.entries(service.depends_on ?? {})
        .filter(
          ([, dependency]) =>
            (dependency as { condition: string }).condition === 'service_completed_successfully',
        )
        .map(([name]) => name),
    ),
  );

  it('has a health check on every long-running service, and waits on health (or completion), never on start', () => {
    expect([...oneShot].sort()).toEqual(['migrate', 'register']);
    for (const [name, service] of Object.entries(services)) {
      if (oneShot.has(name)) {
        expect({ name, restart: service.restart, healthcheck: service.healthcheck }).toEqual({
          name,
          restart: 'no',
          healthcheck: undefined,
        });
      } else {
        expect({
          name,
          healthcheck: service.healthcheck?.test !== undefined && !service.healthcheck.disable,
        }).toEqual({
          name,
          healthcheck: true,
        });
      }
      expect(Array.isArray(service.depends_on)).toBe(false);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {}) as [
        string,
        { condition: string },
      ][]) {
        expect({ name, dependency, condition }).toEqual({
          name,
          dependency,
          condition: oneShot.has(dependency) ? 'service_completed_successfully' : 'service_healthy',
        });
      }
    }
  });

  it('advertises Kafka by name, and hard-codes no IP address but loopback and bind-all', () => {
    const advertised = env('kafka').KAFKA_ADVERTISED_LISTENERS.split(',');
    // (compose.env sets no KAFKA_PORT: the host listener keeps the README's 9092.)
    expect(advertised).toEqual(['INTERNAL://kafka:29092', 'HOST://localhost:9092']);
    for (const listener of advertised) {
      const { hostname } = new URL(listener.replace(/^\w+:\/\//, 'tcp://'));
      expect({ listener, ip: net.isIP(hostname) }).toEqual({ listener, ip: 0 });
    }
    const addresses = new Set(composeText.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? []);
    expect([...addresses].filter((address) => !['127.0.0.1', '0.0.0.0'].includes(address))).toEqual([]);
    // The other containers reach Kafka on the compose network's listener.
    expect(env('connect').BOOTSTRAP_SERVERS).toBe('kafka:29092');
    expect(env('bank-app').KAFKA_BROKERS).toBe('kafka:29092');
  });

  it("publishes exactly the README's host ports, with the local stack's override variables", () => {
    const expected: Record<string, { service: string; setting: (typeof ports)[keyof typeof ports] }> = {
      8080: { service: 'bank-app', setting: ports.app },
      3306: { service: 'mysql', setting: ports.mariadb },
      9092: { service: 'kafka', setting: ports.kafka },
      8083: { service: 'connect', setting: ports.connect },
      8081: { service: 'druid-coordinator', setting: ports.druidCoordinator },
      8082: { service: 'druid-broker', setting: ports.druidBroker },
      8888: { service: 'druid-router', setting: ports.druidRouter },
      2181: { service: 'zookeeper', setting: ports.zookeeper },
    };
    const published = Object.entries(rawCompose.services).flatMap(([service, { ports: mappings = [] }]) =>
      mappings.map((mapping) => {
        // host_ip:${VARIABLE:-default}:container_port
        const [, hostIp, variable, fallback, target] =
          /^([\d.]+):\$\{(\w+):-(\d+)\}:(\d+)$/.exec(mapping) ?? [];
        return { service, mapping, hostIp, variable, port: Number(fallback), target: Number(target) };
      }),
    );
    expect(published.map(({ port }) => port).sort()).toEqual(Object.keys(expected).map(Number).sort());
    for (const { service, mapping, hostIp, variable, port, target } of published) {
      const { service: owner, setting } = expected[port];
      expect({ mapping, service, hostIp, variable, target }).toEqual({
        mapping,
        service: owner,
        hostIp: '127.0.0.1',
        variable: setting.variable,
        target: port,
      });
    }
    // Druid's historical defaults to 8083 (Kafka Connect's port): moved, and published nowhere.
    expect(env('druid-historical').druid_plaintextPort).toBe('8084');
    expect(Object.keys(expected)).not.toContain(env('druid-indexer').druid_plaintextPort);
  });

  it('runs MySQL 8.4 with the binlog Debezium needs and the durability the benchmarks assume', () => {
    expect(services.mysql.command).toEqual(
      expect.arrayContaining([
        '--log-bin=mysql-bin',
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--gtid-mode=ON',
        '--enforce-gtid-consistency=ON',
        '--sync-binlog=1',
        '--innodb-flush-log-at-trx-commit=1',
        '--innodb-buffer-pool-size=2G',
        '--innodb-redo-log-capacity=1G',
      ]),
    );
    const serverId = (services.mysql.command as string[]).find((flag) => flag.startsWith('--server-id='));
    // Debezium joins the replication topology with its own server id, which must differ.
    expect(serverId).toBeDefined();
    expect(serverId?.split('=')[1]).not.toBe(connectorSpec().config['database.server.id']);
    expect(services.mysql.volumes).toContain('./mysql/compose/initdb:/docker-entrypoint-initdb.d:ro');
  });

  it('runs Kafka in KRaft mode with replication factors of 1', () => {
    expect(env('kafka')).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
    });
    expect(env('kafka').CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Object.keys(env('kafka'))).not.toContain('KAFKA_ZOOKEEPER_CONNECT');
    // The apache/kafka image refuses to start with KAFKA_PORT set: the variable only moves the host port.
    expect(Object.keys(env('kafka'))).not.toContain(ports.kafka.variable);
    expect(env('connect')).toMatchObject({
      CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '1',
    });
  });

  it('runs Connect with the environment config provider and a short offset flush interval', () => {
    expect(env('connect')).toMatchObject({
      CONNECT_CONFIG_PROVIDERS: 'env',
      CONNECT_CONFIG_PROVIDERS_ENV_CLASS: 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      OFFSET_FLUSH_INTERVAL_MS: '1000',
    });
  });

  it('runs Druid 33 with the coordinator as overlord, the Kafka extension and a fast SQL metadata refresh', () => {
    expect(env('druid-coordinator').druid_coordinator_asOverlord_enabled).toBe('true');
    expect(
      Object.keys(services)
        .filter((name) => name.startsWith('druid-'))
        .sort(),
    ).toEqual(['druid-broker', 'druid-coordinator', 'druid-historical', 'druid-indexer', 'druid-router']);
    const druidEnv = parseEnvFile(read('druid/environment'));
    expect(JSON.parse(druidEnv.druid_extensions_loadList)).toEqual(
      expect.arrayContaining(['druid-kafka-indexing-service']),
    );
    expect(druidEnv.druid_sql_planner_metadataRefreshPeriod).toBe('PT5S');
    expect(druidEnv.druid_zk_service_host).toBe('zookeeper:2181');
    for (const name of Object.keys(services).filter((service) => service.startsWith('druid-'))) {
      expect({ name, envFile: services[name].env_file }).toEqual({ name, envFile: 'druid/environment' });
    }
    // The metadata store is the postgres service, with the password compose.env gives both.
    expect(druidEnv.druid_metadata_storage_connector_connectURI).toBe(
      'jdbc:postgresql://postgres:5432/druid',
    );
    expect(env('druid-coordinator').druid_metadata_storage_connector_password).toBe(
      env('postgres').POSTGRES_PASSWORD,
    );
  });

  it('takes every user and password from compose.env, and writes none of them in the compose files', () => {
    // Every ${VAR:?...} resolved above from compose.env alone; here, nothing else is required.
    const required = [...JSON.stringify(rawCompose).matchAll(/\$\{(\w+):\?/g)].map(([, name]) => name);
    expect([...new Set(required)].sort()).toEqual(Object.keys(composeEnv).sort());
    expect(composeEnv).toMatchObject({
      DB_USER: database.app.user,
      DB_MIGRATION_USER: database.migrator.user,
    });
    const secrets = Object.entries(composeEnv).filter(([name]) => name.endsWith('PASSWORD'));
    const files = ['docker-compose.yml', 'mysqlsource.json', 'bank-app/Dockerfile'];
    for (const file of [...files, 'druid/environment', 'bank-app-mini-statement-supervisor.json']) {
      const text = read(file);
      expect({
        file,
        leaked: secrets.filter(([, value]) => text.includes(value)).map(([name]) => name),
      }).toEqual({
        file,
        leaked: [],
      });
    }
    expect(connectorSpec().config['database.password']).toBe('${env:DEBEZIUM_DB_PASSWORD}');
    expect(env('connect').DEBEZIUM_DB_PASSWORD).toBe(composeEnv.DEBEZIUM_DB_PASSWORD);
    // .env stays the app's local override (gitignored); compose reads compose.env.
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  it('creates the bank database and the three users with exactly their grants (mysql/compose/initdb)', () => {
    // Not executable: the mysql image then sources it, which provides docker_process_sql.
    expect(fs.statSync(path.join(repoRoot, initScript)).mode & 0o111).toBe(0);
    const sql = initSql();
    const statements = sql
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('--'))
      .map((line) => line.replace(/IDENTIFIED BY '[^']*'/, "IDENTIFIED BY '…'"));
    const debezium = connectorSpec().config['database.user'];
    expect(statements).toEqual([
      'CREATE DATABASE IF NOT EXISTS bank CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;',
      `CREATE USER IF NOT EXISTS '${composeEnv.DB_MIGRATION_USER}'@'%' IDENTIFIED BY '…';`,
      `CREATE USER IF NOT EXISTS '${composeEnv.DB_USER}'@'%' IDENTIFIED BY '…';`,
      `CREATE USER IF NOT EXISTS '${debezium}'@'%' IDENTIFIED BY '…';`,
      `GRANT ALL PRIVILEGES ON bank.* TO '${composeEnv.DB_MIGRATION_USER}'@'%';`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON bank.* TO '${composeEnv.DB_USER}'@'%';`,
      `GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${debezium}'@'%';`,
    ]);
    expect(sql).toContain(`'${debezium}'@'%' IDENTIFIED BY '${composeEnv.DEBEZIUM_DB_PASSWORD}'`);
    expect(sql).toContain(`'${composeEnv.DB_USER}'@'%' IDENTIFIED BY '${composeEnv.DB_PASSWORD}'`);
  });

  it('gives every placeholder of the registration files a value in the services that resolve it', () => {
    // mysqlsource.json: Connect resolves ${env:NAME} from its own environment.
    const connectEnv = env('connect');
    const placeholders = envPlaceholders(connectorSpec().config);
    expect(placeholders).toEqual([
      'DEBEZIUM_CONNECTOR_CLASS',
      'DEBEZIUM_DB_HOST',
      'DEBEZIUM_DB_PASSWORD',
      'DEBEZIUM_DB_PORT',
      'KAFKA_BOOTSTRAP_SERVERS',
    ]);
    expect(Object.fromEntries(placeholders.map((name) => [name, connectEnv[name]]))).toEqual({
      DEBEZIUM_CONNECTOR_CLASS: 'io.debezium.connector.mysql.MySqlConnector',
      DEBEZIUM_DB_HOST: 'mysql',
      DEBEZIUM_DB_PASSWORD: composeEnv.DEBEZIUM_DB_PASSWORD,
      DEBEZIUM_DB_PORT: '3306',
      KAFKA_BOOTSTRAP_SERVERS: 'kafka:29092',
    });
    // Addresses on the compose network, and the plugin that Connect's health check waits for.
    expect(Object.keys(services)).toEqual(expect.arrayContaining([connectEnv.DEBEZIUM_DB_HOST, 'kafka']));
    expect(JSON.stringify(services.connect.healthcheck)).toContain(connectEnv.DEBEZIUM_CONNECTOR_CLASS);

    // The supervisor: Druid resolves bootstrap.servers from the environment of the processes that read
    // Kafka, the overlord (the supervisor itself) and the indexer (its tasks).
    const variables = supervisorEnvVariables();
    expect(variables).toEqual({ 'bootstrap.servers': 'KAFKA_BOOTSTRAP_SERVERS' });
    for (const service of ['druid-coordinator', 'druid-indexer']) {
      expect({ service, value: env(service).KAFKA_BOOTSTRAP_SERVERS }).toEqual({
        service,
        value: 'kafka:29092',
      });
    }
  });

  it('registers with the same code as `npm run register`, against the compose services', () => {
    const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(services.register.command).toEqual(rootPackage.scripts.register.split(' '));
    const registerCmd = values(stage(bankAppStages, 'register'), 'CMD').map(
      (args) => JSON.parse(args) as string[],
    );
    expect(registerCmd).toEqual([services.register.command]);
    expect(services.register.build).toMatchObject({
      context: '.',
      dockerfile: 'bank-app/Dockerfile',
      target: 'register',
    });

    const endpoints = configuredEndpoints(env('register'));
    expect(endpoints).toEqual({
      connectUrl: 'http://connect:8083',
      kafkaBrokers: ['kafka:29092'],
      overlordUrl: 'http://druid-coordinator:8081',
    });
    for (const url of [endpoints.connectUrl, endpoints.overlordUrl]) {
      expect(Object.keys(services)).toContain(new URL(url).hostname);
    }
    // The topics it creates are on the broker the connector and the supervisor read.
    expect(endpoints.kafkaBrokers).toEqual([env('connect').KAFKA_BOOTSTRAP_SERVERS]);
  });

  it('migrates in a one-shot service with the migrator user, before registration and before the app', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/database/migrate.js']);
    expect(services.migrate.build).toEqual(services['bank-app'].build);
    expect(env('migrate')).toMatchObject({
      DB_HOST: 'mysql',
      DB_MIGRATION_USER: composeEnv.DB_MIGRATION_USER,
    });
    // The long-running app never gets the DDL password.
    expect(Object.keys(env('bank-app'))).not.toContain('DB_MIGRATION_PASSWORD');
    expect(Object.keys(services['bank-app'].depends_on ?? {})).toEqual(
      expect.arrayContaining(['migrate', 'register']),
    );
    // The connector's snapshot must find the debit_card table.
    expect(services.register.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('the registration files on the local stack', () => {
  it("gets every placeholder's value from the launcher, for Connect and for Druid", () => {
    expect(Object.keys(localConnectEnvironment()).sort()).toEqual(envPlaceholders(connectorSpec().config));
    expect(localConnectEnvironment()).toMatchObject({
      DEBEZIUM_CONNECTOR_CLASS: 'io.debezium.connector.mariadb.MariaDbConnector',
      DEBEZIUM_DB_HOST: host,
      DEBEZIUM_DB_PORT: String(ports.mariadb.port),
      KAFKA_BOOTSTRAP_SERVERS: `${host}:${ports.kafka.port}`,
    });
    expect(Object.keys(localDruidEnvironment())).toEqual(Object.values(supervisorEnvVariables()));
    expect(localDruidEnvironment().KAFKA_BOOTSTRAP_SERVERS).toBe(`${host}:${ports.kafka.port}`);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("bank-app's Dockerfile", () => {
  const { build, runtime, cmd, appDirInRepo } = bankAppImage();

  it('has a runtime stage that is the default target, non-root, with production dependencies only', () => {
    expect(runtime.name).toBe('runtime');
    expect(values(runtime, 'USER')).toEqual(['node']);
    expect(values(runtime, 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    expect(values(build, 'RUN')[0]).toMatch(/^npm ci\b/);
    expect(values(build, 'COPY')[0]).toBe('package.json package-lock.json ./');
    expect(services['bank-app'].build).toEqual({ context: '.', dockerfile: 'bank-app/Dockerfile' });
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.stack', '**/.env']));
  });

  it("starts the app with the command the launcher runs (stack/src/app.ts) and bank-app's start script", async () => {
    expect(cmd).toEqual(['node', 'dist/main.js']);
    expect(appDirInRepo).toBe('bank-app');
    const appPackage = JSON.parse(read('bank-app/package.json')) as { scripts: Record<string, string> };
    expect(appPackage.scripts.start).toBe(cmd.join(' '));

    // Run the launcher's runApp with spawn captured: what would it start, and where?
    const spawned: { command: string; args: string[]; cwd: string }[] = [];
    const built: string[] = [];
    const fakeChild = (): ChildProcess => {
      const child = new EventEmitter() as ChildProcess;
      child.kill = () => true;
      setImmediate(() => child.emit('close', 0));
      return child;
    };
    const listeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    let runApp: (() => Promise<number>) | undefined;
    await jest.isolateModulesAsync(async () => {
      jest.doMock('node:child_process', () => ({
        ...jest.requireActual<Record<string, unknown>>('node:child_process'),
        spawn: (command: string, args: string[], options: { cwd: string }) => {
          spawned.push({ command, args, cwd: options.cwd });
          return fakeChild();
        },
        spawnSync: (command: string, args: string[]) => {
          built.push([command, ...args].join(' '));
          return { status: 0 };
        },
      }));
      // Never healthy: the fake child's exit ends runApp, with no poll left running.
      jest.doMock('../src/wait', () => ({ waitFor: () => new Promise<void>(() => undefined) }));
      ({ runApp } = await import('../src/app'));
    });
    try {
      await expect((runApp as () => Promise<number>)()).resolves.toBe(0);
    } finally {
      jest.dontMock('node:child_process');
      jest.dontMock('../src/wait');
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        for (const listener of process.listeners(signal)) {
          if (!listeners[signal].includes(listener)) process.removeListener(signal, listener);
        }
      }
    }
    expect(spawned).toHaveLength(1);
    const [{ command, args, cwd }] = spawned;
    expect(command).toBe(process.execPath);
    expect(path.relative(repoRoot, cwd)).toBe(appDirInRepo);
    expect([
      path.basename(command).replace(/\.exe$/, ''),
      ...args.map((arg) => path.relative(cwd, arg)),
    ]).toEqual(cmd);
    // When the launcher rebuilds a stale dist, it runs the Dockerfile's build command.
    for (const command of built) expect(values(build, 'RUN')).toContain(command);
  });
});
