// The local stack is locked down: every component listens on the loopback address only, each database
// user has exactly the rights it needs, and no committed connector configuration holds a password.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { components, mariadbSocket } from '../src/components';
import { connectorSpec, envPlaceholders, localConnectEnvironment } from '../src/connector';
import { runningPid } from '../src/processes';
import { database, repoRoot } from '../src/settings';

const run = promisify(execFile);

/** SHOW GRANTS as the socket superuser that mariadb-install-db created for the OS user. */
async function grantsOf(user: string): Promise<string[]> {
  const { stdout } = await run('mariadb', [
    '--no-defaults',
    `--socket=${mariadbSocket}`,
    `--user=${os.userInfo().username}`,
    '--batch',
    '--skip-column-names',
    '-e',
    `SHOW GRANTS FOR '${user}'@'127.0.0.1'`,
  ]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ''));
}

/** Local addresses of the listening TCP sockets of a process (from `ss`, which reads the kernel's tables). */
function listeningAddresses(pid: number): string[] {
  const output = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return output
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => line.trim().split(/\s+/)[3]);
}

describe('lock-down of the local stack', () => {
  it.each(components.map((component) => component.name))('%s listens on 127.0.0.1 only', (name) => {
    const pid = runningPid(name);
    expect(pid).toBeDefined();
    const addresses = listeningAddresses(pid as number);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) {
      // Java reports IPv4 sockets opened through IPv6 APIs as [::ffff:127.0.0.1].
      expect(address).toMatch(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):\d+$/);
    }
  });

  it('gives Debezium exactly the grants Debezium documents', async () => {
    // MariaDB spells REPLICATION CLIENT as its newer name, BINLOG MONITOR.
    expect(await grantsOf(database.debezium.user)).toEqual([
      'GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `debezium`@`127.0.0.1`',
    ]);
  });

  it('gives the application data rights on its database only: no DDL, no replication', async () => {
    expect(await grantsOf(database.app.user)).toEqual([
      'GRANT USAGE ON *.* TO `bank_app`@`127.0.0.1`',
      'GRANT SELECT, INSERT, UPDATE, DELETE ON `bank`.* TO `bank_app`@`127.0.0.1`',
    ]);
  });

  it('keeps DDL for the migration user, on the application database only', async () => {
    expect(await grantsOf(database.migrator.user)).toEqual([
      'GRANT USAGE ON *.* TO `bank_migrator`@`127.0.0.1`',
      'GRANT ALL PRIVILEGES ON `bank`.* TO `bank_migrator`@`127.0.0.1`',
    ]);
  });

  it("reads the connector password from the Connect worker's environment, which the launcher sets", () => {
    const { config } = connectorSpec();
    expect(config['database.password']).toBe('${env:DEBEZIUM_DB_PASSWORD}');
    expect(envPlaceholders(config)).toEqual(Object.keys(localConnectEnvironment()).sort());
  });

  it('has no password literally in any committed connector or worker configuration', () => {
    const committed = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
      .trim()
      .split('\n');
    const connectorConfigs = committed.filter(
      (file) =>
        file === 'mysqlsource.json' ||
        file === 'bank-app-mini-statement-supervisor.json' ||
        (file.startsWith('connect/') && /\.(json|properties|sh|env)$|Dockerfile$/.test(file)),
    );
    expect(connectorConfigs).toEqual(
      expect.arrayContaining([
        'mysqlsource.json',
        'bank-app-mini-statement-supervisor.json',
        'connect/local/worker.properties',
      ]),
    );
    const secrets = [database.debezium.password, database.app.password, database.migrator.password];
    for (const file of connectorConfigs) {
      const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      for (const secret of secrets)
        expect({ file, containsSecret: text.includes(secret) }).toEqual({ file, containsSecret: false });
      expect({ file, literalPassword: /database\.password"?\s*[:=]\s*"?(?!\$\{)[^\s"]+/.test(text) }).toEqual(
        {
          file,
          literalPassword: false,
        },
      );
    }
  });
});
