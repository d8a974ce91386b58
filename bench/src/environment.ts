// What the result file records besides the figures: the commit, the machine, the version of every
// component and the settings the figures were measured under.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { host, paths, ports, repoRoot } from '../../stack/src/settings';
import { serverVariables } from './db';
import { sysbenchVersion } from './sysbench';

/** Read from the installed package.json (some packages' export maps hide it from require.resolve). */
function packageVersion(name: string): string {
  for (const dir of [repoRoot, path.join(repoRoot, 'bank-app')]) {
    try {
      const file = path.join(dir, 'node_modules', name, 'package.json');
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      // not installed there
    }
  }
  return 'unknown';
}

/** The version in a jar's file name (kafka_2.13-4.1.2.jar → 4.1.2), for components we run from jars. */
function jarVersion(dir: string, pattern: RegExp): string {
  try {
    for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
      const match = pattern.exec(name);
      if (match) return match[1];
    }
  } catch {
    // not installed here
  }
  return 'unknown';
}

async function json<T>(url: string): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function currentCommit(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

export function machine(): Record<string, unknown> {
  let distribution = '';
  try {
    distribution = /PRETTY_NAME="?([^"\n]+)"?/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    // not Linux
  }
  return {
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    os: `${distribution || os.type()} (${os.type()} ${os.release()} ${os.arch()})`,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export async function versions(db: Pool): Promise<Record<string, string>> {
  const [[server]] = await db.query<RowDataPacket[]>('SELECT VERSION() AS version');
  const connect = await json<{ version: string }>(`http://${host}:${ports.connect.port}/`);
  const plugins = await json<{ class: string; version: string }[]>(
    `http://${host}:${ports.connect.port}/connector-plugins`,
  );
  const druid = await json<{ version: string }>(`http://${host}:${ports.druidCoordinator.port}/status`);
  return {
    node: process.version.replace(/^v/, ''),
    mariadb: String(server.version),
    kafka: connect?.version ?? jarVersion(paths.kafkaLib, /^kafka_[\d.]+-([\d.]+)\.jar$/),
    debezium:
      plugins?.find((plugin) => plugin.class.includes('MariaDb'))?.version ??
      jarVersion(paths.connectPlugins, /debezium-connector-mariadb-([\w.]+)\.jar$/),
    druid: druid?.version ?? jarVersion(paths.druidLib, /^druid-server-([\d.]+)\.jar$/),
    kafkajs: packageVersion('kafkajs'),
    nestjs: packageVersion('@nestjs/core'),
    fastify: packageVersion('fastify'),
    typeorm: packageVersion('typeorm'),
    mysql2: packageVersion('mysql2'),
    sysbench: await sysbenchVersion(),
    autocannon: packageVersion('autocannon'),
  };
}

export async function durabilitySettings(db: Pool): Promise<Record<string, string>> {
  return serverVariables(db, [
    'sync_binlog',
    'innodb_flush_log_at_trx_commit',
    'binlog_format',
    'binlog_row_image',
    'innodb_buffer_pool_size',
    'max_connections',
  ]);
}
