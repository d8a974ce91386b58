// CPU time of processes from /proc (Linux; the local stack only, whose pids the launcher records):
// the database's CPU per withdrawal, and what the other components used while a figure was measured
// (on 2 cores, Kafka Connect or a Druid task busy during a run shows up in its latency).
import fs from 'node:fs';
import path from 'node:path';
import { runningPid } from '../../stack/src/processes';
import { paths } from '../../stack/src/settings';

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times (100 on every common architecture). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; undefined when it cannot be read. */
function cpuSecondsOf(pid: number | string): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, hence the last ")"): utime is the 12th, stime the 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
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
