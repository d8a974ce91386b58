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
  /**
   * Run this long first, unmeasured: sysbench's --report-checkpoints reports and resets its counters
   * then, so the figures are of the `seconds` after it (as the HTTP side's ramp, load.ts).
   */
  rampSeconds?: number;
  /** Average UPDATEs per second (sysbench's open-loop --rate, exponential arrivals); 0 = as fast as it can. */
  rate?: number;
  /** Prefix of the request ids the UPDATEs store on the card row. */
  tag: string;
}

export interface SysbenchResult {
  /** UPDATEs in the measured part of the run (after the ramp, if any). */
  transactions: number;
  /** UPDATEs in the whole run, ramp included (what CPU read around the whole run is divided by). */
  allTransactions: number;
  perSecond: number;
  /** Seconds of the measured part. */
  seconds: number;
  p99Ms: number;
}

export async function sysbenchVersion(): Promise<string> {
  const { stdout } = await run('sysbench', ['--version'], { timeout: 10_000 });
  return stdout.trim().replace(/^sysbench\s+/, '');
}

export async function runSysbench(options: SysbenchOptions): Promise<SysbenchResult> {
  const ramp = options.rampSeconds ?? 0;
  const args = [
    script,
    '--db-driver=mysql',
    `--mysql-host=${host}`,
    `--mysql-port=${ports.mariadb.port}`,
    `--mysql-user=${database.app.user}`,
    `--mysql-password=${database.app.password}`,
    `--mysql-db=${database.name}`,
    `--threads=${options.threads}`,
    `--time=${options.seconds === undefined ? 0 : options.seconds + ramp}`,
    `--events=${options.events ?? 0}`,
    `--rate=${options.rate ?? 0}`,
    `--cards=${benchConfig.cards}`,
    `--prefix=${benchConfig.cardPrefix}`,
    `--hot=${options.hotCard ?? ''}`,
    `--tag=${options.tag}`,
    '--percentile=99',
    '--histogram=off',
    ...(ramp > 0 ? [`--report-checkpoints=${ramp}`] : []),
    'run',
  ];
  // Generous but bounded: a run of N seconds, or N events at a pessimistic 200 per second.
  const timeoutMs = ((options.seconds ?? 0) + ramp + (options.events ?? 0) / 200 + 60) * 1000;
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
  // With a checkpoint, the checkpoint's report comes first and the last report covers what followed.
  const reports = [...stdout.matchAll(/transactions:\s+(\d+)\s+\(([\d.]+) per sec\.\)/g)];
  const p99s = [...stdout.matchAll(/99th percentile:\s+([\d.]+)/g)];
  const expected = ramp > 0 ? 2 : 1;
  if (reports.length !== expected || p99s.length !== expected) {
    throw new Error(`unexpected sysbench output (${expected} report(s) expected):\n${stdout}`);
  }
  const last = reports[reports.length - 1];
  const transactions = Number(last[1]);
  const perSecond = Number(last[2]);
  return {
    transactions,
    allTransactions: reports.reduce((sum, report) => sum + Number(report[1]), 0),
    perSecond,
    seconds: perSecond > 0 ? Math.round((transactions / perSecond) * 100) / 100 : 0,
    p99Ms: Number(p99s[p99s.length - 1][1]),
  };
}
