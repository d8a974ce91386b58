// Installs what the local stack needs and is missing: the Debian MariaDB server and the
// infrastructure jars (through Maven, cached in ~/.m2); and for `npm test`, the browser its dashboard
// spec drives. A second run downloads nothing.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { progress } from './output';
import { paths, repoRoot } from './settings';

const sbinDirs = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

/** A program on the PATH (or in an sbin directory), or at exactly the given absolute path. */
function findBinary(name: string): string | undefined {
  if (path.isAbsolute(name)) return fs.existsSync(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(':'), ...sbinDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function mariadbBinary(name: 'mariadbd' | 'mariadb-install-db'): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${name} not found: the mariadb-server package is not installed`);
  return found;
}

function isRoot(): boolean {
  return os.userInfo().uid === 0;
}

/** apt-get install, keeping the package's own service from starting (it would take port 3306). */
function aptInstall(packages: string[]): void {
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !fs.existsSync(policy);
  if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const steps = [
      ['update', '-q'],
      ['install', '-y', '-q', '--no-install-recommends', ...packages],
    ];
    for (const args of steps) {
      progress('install', `apt-get ${args.join(' ')}`);
      const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (result.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${result.status})`);
    }
  } finally {
    if (ownPolicy) fs.rmSync(policy, { force: true });
  }
}

/** A program the stack (or the bench) runs, and the Debian packages that provide it. */
export interface DebianTool {
  /** Its name on the PATH, or an absolute path when a caller needs it exactly there. */
  binary: string;
  packages: string[];
}

const STACK_TOOLS: DebianTool[] = [
  { binary: 'mariadbd', packages: ['mariadb-server', 'mariadb-client'] },
  { binary: 'mvn', packages: ['maven'] },
];

/**
 * What the integration tests need besides the stack: Debian's Chromium, at the path the dashboard's e2e
 * spec launches (bank-app/test/dashboard.e2e-spec.ts; playwright-core downloads no browser). `npm test`
 * installs it; `npm start` does not need it.
 */
export const TEST_TOOLS: DebianTool[] = [{ binary: '/usr/bin/chromium', packages: ['chromium'] }];

/** Installs the packages of every tool that is missing (as root; otherwise says what to install). */
export function ensureDebianPackages(tools: DebianTool[] = STACK_TOOLS): void {
  const missing = tools.filter(({ binary }) => !findBinary(binary)).flatMap(({ packages }) => packages);
  if (missing.length === 0) return;
  if (!isRoot()) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}. Install them as root: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  progress('install', `installing Debian packages: ${missing.join(', ')}`);
  aptInstall(missing);
}

const jarModules = [
  'pom.xml',
  'kafka/pom.xml',
  'druid/pom.xml',
  'druid-kafka-extension/pom.xml',
  'settings.xml',
];

function jarsFingerprint(): string {
  const hash = crypto.createHash('sha256');
  for (const file of jarModules) hash.update(fs.readFileSync(path.join(repoRoot, 'stack', 'jars', file)));
  return hash.digest('hex');
}

/** Runs Maven once per change of the jar modules; streams a short progress line per download. */
export async function ensureJars(): Promise<void> {
  const marker = path.join(paths.stackHome, 'jars.sha256');
  const fingerprint = jarsFingerprint();
  const expected = [
    paths.kafkaLib,
    path.join(paths.connectPlugins, 'debezium-connector-mariadb'),
    path.join(paths.connectPlugins, 'debezium-connector-mysql'),
    paths.druidLib,
    path.join(paths.druidExtensions, 'druid-kafka-indexing-service'),
  ];
  const present = expected.every((dir) => fs.existsSync(dir));
  if (present && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === fingerprint) return;

  progress(
    'install',
    'fetching Kafka, Connect, Debezium and Druid jars from Maven Central (first run: ~300 MB)',
  );
  for (const dir of ['kafka', 'druid', 'maven'].map((name) => path.join(paths.stackHome, name))) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The modules write into ${stack.home}: point it at this stack's home (STACK_HOME may move it).
  const args = [
    '-B',
    '-s',
    paths.mavenSettings,
    '-f',
    paths.jarsPom,
    `-Dstack.home=${paths.stackHome}`,
    'package',
  ];
  await new Promise<void>((resolve, reject) => {
    const mvn = spawn('mvn', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let downloads = 0;
    let tail: string[] = [];
    const onLine = (line: string) => {
      tail = [...tail.slice(-40), line];
      const downloaded = /Downloaded from \S+: (\S+) \(([^)]+)\)/.exec(line);
      if (downloaded) {
        downloads += 1;
        const artifact = downloaded[1].split('/').slice(-1)[0];
        progress('install', `download #${downloads}: ${artifact} (${downloaded[2]})`);
      }
    };
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    mvn.stdout.on('data', onData);
    mvn.stderr.on('data', onData);
    mvn.on('error', reject);
    mvn.on('close', (code) => {
      if (code === 0) return resolve();
      reject(new Error(`Maven failed (exit ${code}) fetching the jars; last lines:\n${tail.join('\n')}`));
    });
  });
  const missing = expected.filter((dir) => !fs.existsSync(dir));
  if (missing.length > 0) throw new Error(`Maven succeeded but these are missing: ${missing.join(', ')}`);
  fs.writeFileSync(marker, fingerprint);
  progress('install', 'jars ready');
}
