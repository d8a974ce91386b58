// The compose files against the running local stack: what the static checks of compose.spec.ts cannot
// prove alone. MariaDB reads the init script's quoted passwords back verbatim, the real Kafka Connect
// validates mysqlsource.json resolved with compose's values, and bank-app built as its Dockerfile builds it starts and answers /health.
import axios from 'axios';
import { spawn, spawnSync } from 'node:child_process';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { connectorSpec } from '../src/connector';
import { portIsFree } from '../src/probes';
import { appEnvironment, database, host, ports, repoRoot } from '../src/settings';
import { waitFor } from '../src/wait';
import { bankAppImage, composeEnv, env, initSql, read, services, values } from './support/compose-files';

// ---------------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
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
});

// ---------------------------------------------------------------------------------------------------------

describe('mysqlsource.json with the values compose gives its placeholders, checked by the real Kafka Connect', () => {
  const spec = connectorSpec();
  const composeValues = env('connect');
  // What the compose worker's EnvVarConfigProvider resolves the file to.
  const resolved: Record<string, string> = Object.fromEntries(
    Object.entries(spec.config).map(([key, value]) => [
      key,
      value.replace(/\$\{env:(\w+)\}/g, (placeholder, name: string) => composeValues[name] ?? placeholder),
    ]),
  );
  const pluginClass = resolved['connector.class'];
  const validateUrl = `http://${host}:${ports.connect.port}/connector-plugins/${pluginClass}/config/validate`;
  // Connect adds the name when the connector is PUT to /connectors/<name>/config; validation needs it.
  const asRegistered: Record<string, string> = { ...resolved, name: spec.name };

  // Other specs kill and restart components: start from a worker that has loaded the MySQL plugin.
  beforeAll(() =>
    waitFor(
      `Kafka Connect at ${host}:${ports.connect.port} to list the connector plugin ${pluginClass}`,
      async () => {
        const response = await axios.get<{ class: string }[]>(
          `http://${host}:${ports.connect.port}/connector-plugins`,
          { timeout: 5000 },
        );
        return response.data.some((plugin) => plugin.class === pluginClass);
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    ),
  );

  interface Validation {
    error_count: number;
    configs: { definition: { name: string }; value: { name: string; errors: string[] } }[];
  }

  it('has no errors but those of the compose hostnames', async () => {
    expect(pluginClass).toBe('io.debezium.connector.mysql.MySqlConnector');
    expect(JSON.stringify(asRegistered)).not.toContain('${env:');
    const config = asRegistered;
    const response = await axios.put<Validation>(validateUrl, config, { timeout: 60_000 });
    const errors = response.data.configs
      .filter(({ value }) => value.errors.length > 0)
      .map(({ value }) => ({
        field: value.name,
        errors: value.errors.map((error) => error.split('\n')[0]),
      }));
    console.log(
      `validate with compose's values: error_count ${response.data.error_count}\n${JSON.stringify(errors, null, 2)}`,
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
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("bank-app's Dockerfile", () => {
  const { build, runtime, cmd, appDirInRepo } = bankAppImage();

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
