// Background processes of the stack, tracked by recorded process id (never by name).
// A pid counts as ours only while /proc/<pid>/cmdline still mentions the stack's home folder,
// so a recycled pid is never mistaken for a component, and `stack:down` stops nothing else.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { paths, stackHome } from './settings';
import { waitFor } from './wait';

interface PidRecord {
  pid: number;
  startedAt: string;
}

function recordFile(name: string): string {
  return path.join(paths.run, `${name}.json`);
}

export function logFile(name: string): string {
  return path.join(paths.logs, `${name}.log`);
}

function readRecord(name: string): PidRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordFile(name), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

function isOurs(pid: number): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return cmdline.includes(stackHome) && state !== 'Z';
  } catch {
    return false;
  }
}

/** The pid of the component's process when it is alive, else undefined (and a stale record is dropped). */
export function runningPid(name: string): number | undefined {
  const record = readRecord(name);
  if (!record) return undefined;
  if (isOurs(record.pid)) return record.pid;
  fs.rmSync(recordFile(name), { force: true });
  return undefined;
}

export interface StartCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts a detached process whose output is appended to the component's log. */
export function startProcess(name: string, { command, args, env, cwd }: StartCommand): number {
  fs.mkdirSync(paths.logs, { recursive: true });
  fs.mkdirSync(paths.run, { recursive: true });
  const out = fs.openSync(logFile(name), 'a');
  fs.writeSync(out, `\n===== ${new Date().toISOString()} starting ${name}: ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, {
    cwd: cwd ?? stackHome,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  child.unref();
  const record: PidRecord = { pid: child.pid, startedAt: new Date().toISOString() };
  fs.writeFileSync(recordFile(name), JSON.stringify(record));
  return child.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return isOurs(pid);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after the grace period. Resolves once the process is gone. */
export async function stopProcess(name: string, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(name);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(`${name} (pid ${pid}) to exit after SIGTERM`, () => !alive(pid), { timeoutMs: graceMs });
  } catch {
    process.kill(pid, 'SIGKILL');
    await waitFor(`${name} (pid ${pid}) to exit after SIGKILL`, () => !alive(pid), { timeoutMs: 10_000 });
  }
  fs.rmSync(recordFile(name), { force: true });
  return true;
}

/** Sends a signal to a running component (fault injection: SIGKILL, SIGSTOP, SIGCONT). */
export function signalProcess(name: string, signal: NodeJS.Signals): number {
  const pid = runningPid(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  process.kill(pid, signal);
  return pid;
}

/** The last lines of a component's log, for error messages. */
export function tailLog(name: string, lines = 25): string {
  try {
    const text = fs.readFileSync(logFile(name), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}
