// CPU time from /proc (Linux; the local stack only, whose pids the launcher records): the database's
// CPU per withdrawal, what the other components used while a figure was measured (on a machine with
// few cores, Kafka Connect or a Druid task busy during a run shows up in its latency), and the whole
// machine's budget: how many cores were busy, and how much of a request's CPU was the load generator's.
import fs from 'node:fs';
import path from 'node:path';
import { runningPid } from '../../stack/src/processes';
import { paths } from '../../stack/src/settings';

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times (100 on every common architecture). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far; undefined when it cannot be read. With
 * `withReapedChildren`, also those of its children that have exited and been waited for.
 */
export function cpuSecondsOf(pid: number | string, withReapedChildren = false): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, hence the last ")"): utime is the 12th,
    // stime the 13th, cutime and cstime (reaped children) the 14th and 15th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const ticks = fields[11] + fields[12] + (withReapedChildren ? fields[13] + fields[14] : 0);
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * The load generator's CPU seconds so far: this process (autocannon runs in it) and its exited
 * children (each sysbench run is one, reaped before its result is read).
 */
export function loadGeneratorCpuSeconds(): number {
  return cpuSecondsOf('self', true) ?? 0;
}

export interface MachineCpu {
  /** Seconds all cores together spent running anything (user, nice, system, interrupts). */
  busy: number;
  /** Seconds the hypervisor ran something else while a core of this VM wanted to run (noisy neighbours). */
  steal: number;
}

/** The whole machine's CPU seconds so far, from the first line of /proc/stat; undefined off Linux. */
export function machineCpuSeconds(): MachineCpu | undefined {
  try {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
    const [user, nice, system, , , irq, softirq, steal] = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return {
      busy: (user + nice + system + irq + softirq) / CLOCK_TICKS_PER_SECOND,
      steal: steal / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

/** The database server's CPU seconds so far (mariadbd's own pid file, written by the launcher). */
export function databaseCpuSeconds(): number | undefined {
  try {
    return cpuSecondsOf(fs.readFileSync(path.join(paths.run, 'mariadb.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** The components besides the database whose CPU a run records. */
const OTHER_COMPONENTS = [
  'kafka',
  'connect',
  'zookeeper',
  'druid-coordinator',
  'druid-broker',
  'druid-historical',
  'druid-indexer',
  'druid-router',
];

export function otherComponentsCpuSeconds(): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const name of OTHER_COMPONENTS) {
    const pid = runningPid(name);
    const used = pid === undefined ? undefined : cpuSecondsOf(pid);
    if (used !== undefined) seconds[name] = used;
  }
  return seconds;
}

/** Cores each component kept busy between two readings, those above 0.05 only, busiest first. */
export function busyCores(
  before: Record<string, number>,
  after: Record<string, number>,
  seconds: number,
): Record<string, number> {
  const cores = Object.keys(after)
    .filter((name) => before[name] !== undefined)
    .map((name) => [name, Math.round(((after[name] - before[name]) / seconds) * 100) / 100] as const)
    .filter(([, used]) => used >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(cores);
}
