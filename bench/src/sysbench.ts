// The database ceiling: sysbench (Debian package) running bench/sysbench/withdraw.lua, the command's
// conditional UPDATE over TCP, one autocommit transaction per UPDATE, at a given concurrency.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { database, host, ports, repoRoot } from '../../stack/src/settings';
import { benchConfig } from './config';

const run = promisify(execFile);
const script = path.join(repoRoot, 'bench', 'sysbench', 'withdraw.lua');

export interface SysbenchOptions {
  threads: number;
  /** Run for this long, or … */
  seconds?: number;
  /** … until this many UPDATEs have run (the projection backlog). */
  events?: number;
  /** Every UPDATE on this one card (the hot-card ceiling). */
  hotCard?: string;
  /** Average UPDATEs per second (sysbench's open-loop --rate, exponential arrivals); 0 = as fast as it can. */
  rate?: number;
  /** Prefix of the request ids the UPDATEs store on the card row. */
  tag: string;
}

export interface SysbenchResult {
  transactions: number;
  perSecond: number;
  seconds: number;
  p99Ms: number;
}

export async function sysbenchVersion(): Promise<string> {
  const { stdout } = await run('sysbench', ['--version'], { timeout: 10_000 });
  return stdout.trim().replace(/^sysbench\s+/, '');
}

export async function runSysbench(options: SysbenchOptions): Promise<SysbenchResult> {
  const args = [
    script,
    '--db-driver=mysql',
    `--mysql-host=${host}`,
    `--mysql-port=${ports.mariadb.port}`,
    `--mysql-user=${database.app.user}`,
    `--mysql-password=${database.app.password}`,
    `--mysql-db=${database.name}`,
    `--threads=${options.threads}`,
    `--time=${options.seconds ?? 0}`,
    `--events=${options.events ?? 0}`,
    `--rate=${options.rate ?? 0}`,
    `--cards=${benchConfig.cards}`,
    `--prefix=${benchConfig.cardPrefix}`,
    `--hot=${options.hotCard ?? ''}`,
    `--tag=${options.tag}`,
    '--percentile=99',
    '--histogram=off',
    'run',
  ];
  // Generous but bounded: a run of N seconds, or N events at a pessimistic 200 per second.
  const timeoutMs = ((options.seconds ?? 0) + (options.events ?? 0) / 200 + 60) * 1000;
  let stdout: string;
  try {
    ({ stdout } = await run('sysbench', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string; killed?: boolean };
    const why = failure.killed ? `killed after ${timeoutMs / 1000} s` : failure.message.split('\n')[0];
    throw new Error(
      `sysbench failed (${why}):\n${(failure.stdout ?? '').slice(-1500)}${failure.stderr ?? ''}`,
    );
  }
  const transactions = /transactions:\s+(\d+)\s+\(([\d.]+) per sec\.\)/.exec(stdout);
  const p99 = /99th percentile:\s+([\d.]+)/.exec(stdout);
  const total = /total time:\s+([\d.]+)s/.exec(stdout);
  if (!transactions || !p99 || !total) throw new Error(`unexpected sysbench output:\n${stdout}`);
  return {
    transactions: Number(transactions[1]),
    perSecond: Number(transactions[2]),
    seconds: Number(total[1]),
    p99Ms: Number(p99[1]),
  };
}
