// The Docker Compose flavour, proven without Docker: docker-compose.yml against the Compose Specification's
// JSON schema and against what broke the original sample (floating images, missing health checks,
// hard-coded addresses, other ports than SPEC section 4); mysqlsource.json against the real Kafka Connect
// validate endpoint; the compose connector and supervisor against the local variants the launcher derives;
// and bank-app's Dockerfile against the way the launcher builds and starts the app.
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import axios from 'axios';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import dns from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { parse as parseYaml } from 'yaml';
import { composeConnector, localConnector, localOverrides } from '../src/connector';
import { portIsFree } from '../src/probes';
import { configuredEndpoints } from '../src/register';
import { appEnvironment, database, host, ports, repoRoot } from '../src/settings';
import { composeSupervisor, localSupervisor } from '../src/supervisor';
import { waitFor } from '../src/wait';

// ---------------------------------------------------------------------------------------------------------
// Reading the files

type EnvValue = string | number | boolean | null;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Record<string, EnvValue>;
  env_file?: string | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string | string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

const read = (file: string): string => fs.readFileSync(path.join(repoRoot, file), 'utf8');

/** KEY=VALUE lines, as compose reads an env file (comments and blank lines skipped). */
function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Compose's variable interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string) => {
      if (match === '$$') return '$';
      const value = env[name as string];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing) return value;
      if (op === '-') return arg;
      if (op === '?') throw new Error(`${name as string} is required: ${arg}`);
      throw new Error(`${name as string} is not set and has no default`);
    },
  );
}

function interpolateDeep(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, env)]));
  }
  return value;
}

const composeText = read('docker-compose.yml');
const composeEnv = parseEnvFile(read('compose.env'));
// YAML merge keys (`<<: *anchor`) are part of what compose reads.
const rawCompose = parseYaml(composeText, { merge: true }) as ComposeFile;
/** The file as compose runs it with `--env-file compose.env` and no other variables set. */
const compose = interpolateDeep(rawCompose, composeEnv) as ComposeFile;
const services = compose.services;

const env = (service: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(services[service].environment ?? {}).map(([key, value]) => [key, String(value)]),
  );

interface DockerStage {
  from: string;
  name?: string;
  instructions: { keyword: string; args: string }[];
}

/** A Dockerfile's stages and their instructions (comments dropped, continuation lines joined). */
function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const logical = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

const values = (stage: DockerStage, keyword: string): string[] =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword).map(({ args }) => args);

const bankAppStages = parseDockerfile(read('bank-app/Dockerfile'));
const connectStages = parseDockerfile(read('connect/Dockerfile'));
const stage = (stages: DockerStage[], name: string): DockerStage => {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no stage "${name}" in the Dockerfile`);
  return found;
};

/** `${file:<path>:<key>}`, the FileConfigProvider placeholder. */
const filePlaceholder = /^\$\{file:(.+):([^:}]+)\}$/;

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
    const stageNames = new Set([...bankAppStages, ...connectStages].map((candidate) => candidate.name));
    const bases = [...bankAppStages, ...connectStages]
      .map((candidate) => candidate.from)
      .filter((from) => !stageNames.has(from));
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
    expect(connectStages[0].from).toBe(
      `quay.io/debezium/connect:${pomProperty('kafka', 'debezium.version')}`,
    );
    expect(connectStages[0].from).toMatch(/^quay\.io\/debezium\/connect:3\.4\.\d+\.Final$/);
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
    // (compose.env sets no KAFKA_PORT: the host listener keeps SPEC section 4's 9092.)
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

  it("publishes exactly SPEC section 4's host ports, with the local stack's override variables", () => {
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
    expect(serverId?.split('=')[1]).not.toBe(composeConnector().config['database.server.id']);
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

  it('runs Connect with the file config provider and a short offset flush interval', () => {
    expect(env('connect')).toMatchObject({
      CONNECT_CONFIG_PROVIDERS: 'file',
      CONNECT_CONFIG_PROVIDERS_FILE_CLASS: 'org.apache.kafka.common.config.provider.FileConfigProvider',
      OFFSET_FLUSH_INTERVAL_MS: '1000',
    });
    expect(services.connect.build).toEqual({ context: './connect', dockerfile: 'Dockerfile' });
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
    const files = ['docker-compose.yml', 'mysqlsource.json', 'bank-app/Dockerfile', 'connect/Dockerfile'];
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
    expect(composeConnector().config['database.password']).toMatch(filePlaceholder);
    // .env stays the app's local override (gitignored); compose reads compose.env.
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  const initScript = 'mysql/compose/initdb/01-bank.sh';

  /** Sources the init script as the mysql image's entrypoint does, with docker_process_sql printing the SQL. */
  function initSql(overrides: Record<string, string> = {}): string {
    const result = spawnSync(
      'bash',
      ['--norc', '--noprofile', '-c', 'docker_process_sql() { cat; }; . "$0"', initScript],
      { cwd: repoRoot, env: { PATH: process.env.PATH, ...composeEnv, ...overrides }, encoding: 'utf8' },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    return result.stdout;
  }

  it('creates the bank database and the three users with exactly their grants (mysql/compose/initdb)', () => {
    // Not executable: the mysql image then sources it, which provides docker_process_sql.
    expect(fs.statSync(path.join(repoRoot, initScript)).mode & 0o111).toBe(0);
    const sql = initSql();
    const statements = sql
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('--'))
      .map((line) => line.replace(/IDENTIFIED BY '[^']*'/, "IDENTIFIED BY '…'"));
    const debezium = composeConnector().config['database.user'];
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

  it('quotes passwords in the init script so that MySQL reads them back verbatim', async () => {
    const tricky = `it's a \\ "test" $HOME; --`;
    const literal = new RegExp(`'${composeEnv.DB_USER}'@'%' IDENTIFIED BY ('(?:[^'\\\\]|''|\\\\.)*');`).exec(
      initSql({ DB_PASSWORD: tricky }),
    )?.[1];
    expect(literal).toBeDefined();
    // MariaDB and MySQL share the string literal rules: ask the local stack's server to read it back.
    const connection = await mysql.createConnection({
      host,
      port: ports.mariadb.port,
      user: database.app.user,
      password: database.app.password,
    });
    try {
      const [rows] = await connection.query(`SELECT ${literal} AS password`);
      expect(rows).toEqual([{ password: tricky }]);
    } finally {
      await connection.end();
    }
  });

  it("writes the Debezium password where mysqlsource.json's ${file:...} placeholder reads it (connect/)", () => {
    const [, secretsFile, key] = filePlaceholder.exec(composeConnector().config['database.password']) ?? [];
    expect(key).toBe('password');
    // The image creates the directory for the kafka user and wraps its own entrypoint.
    expect(values(connectStages[0], 'RUN').join(' ')).toContain(
      `mkdir -p ${path.posix.dirname(secretsFile)}`,
    );
    expect(values(connectStages[0], 'ENTRYPOINT')).toEqual([
      '["/usr/local/bin/connect-compose-entrypoint", "/docker-entrypoint.sh"]',
    ]);
    const entrypoint = read('connect/compose/entrypoint.sh');
    expect(entrypoint).toContain(`DEBEZIUM_SECRETS_DIR:-${path.posix.dirname(secretsFile)}`);
    expect(path.posix.basename(secretsFile)).toBe('debezium.properties');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-secrets-'));
    try {
      const password = 'pa\\ss word=:#!';
      const result = spawnSync(
        'sh',
        [
          'connect/compose/entrypoint.sh',
          'sh',
          '-c',
          'cat "$0/debezium.properties"; echo "[${DEBEZIUM_DB_PASSWORD-unset}]"',
          dir,
        ],
        {
          cwd: repoRoot,
          env: { PATH: process.env.PATH, DEBEZIUM_SECRETS_DIR: dir, DEBEZIUM_DB_PASSWORD: password },
          encoding: 'utf8',
        },
      );
      expect(result.stderr).toBe('');
      // A properties file reads `\\` back as one backslash; the worker process does not see the variable.
      expect(result.stdout).toBe('password=pa\\\\ss word=:#!\n[unset]\n');
      expect(fs.statSync(path.join(dir, 'debezium.properties')).mode & 0o077).toBe(0);
      expect(env('connect').DEBEZIUM_DB_PASSWORD).toBe(composeEnv.DEBEZIUM_DB_PASSWORD);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
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
      target: 'compose',
      connectUrl: 'http://connect:8083',
      kafkaBrokers: ['kafka:29092'],
      overlordUrl: 'http://druid-coordinator:8081',
    });
    for (const url of [endpoints.connectUrl, endpoints.overlordUrl]) {
      expect(Object.keys(services)).toContain(new URL(url).hostname);
    }
    // What it registers as they are: addresses that exist on the compose network.
    expect(composeSupervisor().spec.ioConfig.consumerProperties['bootstrap.servers']).toBe(
      endpoints.kafkaBrokers.join(','),
    );
    expect(composeConnector().config['schema.history.internal.kafka.bootstrap.servers']).toBe(
      endpoints.kafkaBrokers.join(','),
    );
    expect(composeConnector().config['database.hostname']).toBe('mysql');
    expect(composeConnector().config['database.port']).toBe('3306');
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

describe('mysqlsource.json, checked by the real Kafka Connect', () => {
  const validateUrl = `http://${host}:${ports.connect.port}/connector-plugins/io.debezium.connector.mysql.MySqlConnector/config/validate`;
  const spec = composeConnector();
  // Connect adds the name when the connector is PUT to /connectors/<name>/config; validation needs it.
  const asRegistered = { ...spec.config, name: spec.name };

  // Other specs kill and restart components: start from a worker that has loaded the MySQL plugin.
  beforeAll(() =>
    waitFor(
      `Kafka Connect at ${host}:${ports.connect.port} to list the MySQL connector plugin`,
      async () => {
        const response = await axios.get<{ class: string }[]>(
          `http://${host}:${ports.connect.port}/connector-plugins`,
          { timeout: 5000 },
        );
        return response.data.some((plugin) => plugin.class === 'io.debezium.connector.mysql.MySqlConnector');
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    ),
  );

  interface Validation {
    error_count: number;
    configs: { definition: { name: string }; value: { name: string; errors: string[] } }[];
  }

  it('fails as it is only because the secret file exists in the Connect container, not on this machine', async () => {
    const [, secretsFile] = filePlaceholder.exec(spec.config['database.password']) ?? [];
    expect(fs.existsSync(secretsFile)).toBe(false);
    const response = await axios.put<{ message: string }>(validateUrl, asRegistered, {
      timeout: 30_000,
      validateStatus: () => true,
    });
    console.log(`validate as written: HTTP ${response.status} ${response.data.message}`);
    expect(response.status).toBe(500);
    expect(response.data.message).toBe(
      `org.apache.kafka.common.config.ConfigException: Could not read properties from file ${secretsFile}`,
    );
  });

  it('has no errors but those of the compose hostnames, with the secret file pointed at a local one', async () => {
    // Only the file's path changes; the provider and the key stay as written.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-validate-'));
    const secretsFile = path.join(dir, 'debezium.properties');
    fs.writeFileSync(secretsFile, `password=${composeEnv.DEBEZIUM_DB_PASSWORD}\n`);
    try {
      const config: Record<string, string> = {
        ...asRegistered,
        'database.password': spec.config['database.password'].replace(
          filePlaceholder,
          `\${file:${secretsFile}:$2}`,
        ),
      };
      const response = await axios.put<Validation>(validateUrl, config, { timeout: 60_000 });
      const errors = response.data.configs
        .filter(({ value }) => value.errors.length > 0)
        .map(({ value }) => ({
          field: value.name,
          errors: value.errors.map((error) => error.split('\n')[0]),
        }));
      console.log(
        `validate with a local secret file: error_count ${response.data.error_count}\n${JSON.stringify(errors, null, 2)}`,
      );

      // The one error: MySQL at `mysql:3306` is unreachable from here (compose's service name).
      await expect(dns.lookup(config['database.hostname'])).rejects.toThrow();
      expect(errors).toEqual([
        {
          field: 'database.hostname',
          errors: [expect.stringMatching(/^Unable to connect: Communications link failure/)],
        },
      ]);
      expect(response.data.error_count).toBe(1);

      // And no key is misspelt: each is defined by the plugin, or belongs to a family Connect passes through.
      const defined = new Set(response.data.configs.map(({ definition }) => definition.name));
      const passThrough = /^(topic\.creation\.default\.|schema\.history\.internal\.kafka\.)/;
      expect(Object.keys(config).filter((key) => !defined.has(key) && !passThrough.test(key))).toEqual([]);
      // The Kafka address is the compose listener, unreachable here too, and not checked by validation.
      await expect(dns.lookup('kafka')).rejects.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

/** Paths (as dotted keys) at which two JSON values differ. */
function differences(left: unknown, right: unknown, at = ''): string[] {
  if (left !== null && right !== null && typeof left === 'object' && typeof right === 'object') {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    return [...keys].flatMap((key) =>
      differences(
        (left as Record<string, unknown>)[key],
        (right as Record<string, unknown>)[key],
        at ? `${at}.${key}` : key,
      ),
    );
  }
  return JSON.stringify(left) === JSON.stringify(right) ? [] : [at];
}

describe('the compose specs and the local variants the launcher derives from them', () => {
  const localKafka = `${host}:${ports.kafka.port}`;

  it('the supervisor differs only in the Kafka address', () => {
    expect(differences(composeSupervisor(), localSupervisor(localKafka))).toEqual([
      'spec.ioConfig.consumerProperties.bootstrap.servers',
    ]);
    expect(localSupervisor(localKafka).spec.ioConfig.consumerProperties['bootstrap.servers']).toBe(
      localKafka,
    );
  });

  it('the connector differs only in the keys the local variant overrides', () => {
    const compose = composeConnector();
    const local = localConnector(localKafka);
    expect(local.name).toBe(compose.name);
    expect(Object.keys(local.config).sort()).toEqual(Object.keys(compose.config).sort());
    const differing = Object.keys(compose.config).filter((key) => compose.config[key] !== local.config[key]);
    // database.port differs only when DB_PORT moves MariaDB off MySQL's 3306.
    const portMoved = String(ports.mariadb.port) !== compose.config['database.port'];
    expect(differing.sort()).toEqual(
      [
        'connector.class',
        'database.hostname',
        'database.password',
        'schema.history.internal.kafka.bootstrap.servers',
        ...(portMoved ? ['database.port'] : []),
      ].sort(),
    );
    expect(Object.keys(localOverrides(localKafka)).sort()).toEqual(
      [...differing, ...(portMoved ? [] : ['database.port'])].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("bank-app's Dockerfile", () => {
  const build = stage(bankAppStages, 'build');
  const runtime = bankAppStages.at(-1) as DockerStage;
  const cmd = JSON.parse(values(runtime, 'CMD').at(-1) as string) as string[];
  const workdirs = values(runtime, 'WORKDIR');
  /** Where the image keeps the repository's root (COPY package.json ./ lands there). */
  const imageRoot = workdirs[0];
  const appDirInRepo = path.posix.relative(imageRoot, workdirs.at(-1) as string);

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

  it('builds as its build stage does, and the result starts and answers GET /health', async () => {
    // The build stage's commands after `npm ci` (the same lock file as this checkout's node_modules).
    const commands = values(build, 'RUN').slice(1);
    expect(commands).toEqual(['npm run build -w bank-app']);
    for (const command of commands) {
      const result = spawnSync('sh', ['-c', command], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
      expect({
        command,
        status: result.status,
        output: result.status === 0 ? '' : result.stdout + result.stderr,
      }).toEqual({
        command,
        status: 0,
        output: '',
      });
    }
    const appDir = path.join(repoRoot, appDirInRepo);
    // The migrate service's command is part of the build output.
    expect(fs.existsSync(path.join(appDir, (services.migrate.command as string[])[1]))).toBe(true);

    // The runtime stage installs bank-app's dependencies only: dist must need nothing else.
    const declared = new Set(
      Object.keys((JSON.parse(read('bank-app/package.json')) as { dependencies: object }).dependencies),
    );
    const required = new Set<string>();
    const scan = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) scan(file);
        else if (entry.name.endsWith('.js')) {
          for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
            required.add(
              specifier.startsWith('@')
                ? specifier.split('/').slice(0, 2).join('/')
                : specifier.split('/')[0],
            );
          }
        }
      }
    };
    scan(path.join(appDir, 'dist'));
    const builtin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
    expect([...required].filter((name) => !builtin(name) && !declared.has(name))).toEqual([]);

    // Start it as the image does (its ENV, WORKDIR and CMD), on a spare loopback port.
    const port = 18080;
    await expect(portIsFree(port)).resolves.toBe(true);
    const imageEnv = Object.fromEntries(
      values(runtime, 'ENV').flatMap((line) =>
        line.split(' ').map((pair) => pair.split('=') as [string, string]),
      ),
    );
    expect(imageEnv).toMatchObject({ APP_HOST: '0.0.0.0', APP_PORT: '8080' });
    const app = spawn(cmd[0] === 'node' ? process.execPath : cmd[0], cmd.slice(1), {
      cwd: appDir,
      env: {
        // The launcher's environment for the app (this stack's addresses), then the image's.
        ...appEnvironment(),
        ...imageEnv,
        // Loopback on this machine; and no second projector joining the running one's consumer group.
        APP_HOST: host,
        APP_PORT: String(port),
        PROJECTOR_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exitCode: number | null | undefined;
    app.on('exit', (code) => (exitCode = code));
    try {
      await waitFor(
        `bank-app (node ${cmd.slice(1).join(' ')} in ${appDirInRepo}/) to answer GET /health on port ${port}`,
        async () => {
          if (exitCode !== undefined)
            throw new Error(`the app exited with ${exitCode}: ${output.slice(-2000)}`);
          const response = await axios.get(`http://${host}:${port}/health`, {
            timeout: 2000,
            validateStatus: () => true,
          });
          return response.status === 200;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${output.slice(-2000)}`);
      });
    } finally {
      if (exitCode === undefined) {
        app.kill('SIGTERM');
        await waitFor('bank-app to stop after SIGTERM', () => exitCode !== undefined, {
          timeoutMs: 20_000,
        }).catch(() => app.kill('SIGKILL'));
      }
    }
  });
});
