// Stops and starts the real MariaDB through the stack launcher's CLI, for the outage tests.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = resolve(__dirname, '..', '..', '..');
const tsx = resolve(repoRoot, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

async function stackCli(...args: string[]): Promise<void> {
  try {
    await run(tsx, ['stack/src/cli.ts', ...args], { cwd: repoRoot, timeout: 120_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`stack CLI "${args.join(' ')}" failed: ${String(error)}\n${stdout}\n${stderr}`);
  }
}

export const stopDatabase = (): Promise<void> => stackCli('down', 'mariadb');
export const startDatabase = (): Promise<void> => stackCli('up', 'mariadb');

/** Fault injection on any stack component: `kill connect SIGKILL`, then `up connect` to restart it. */
export const signalComponent = (name: string, signal: NodeJS.Signals): Promise<void> =>
  stackCli('kill', name, signal);
export const startComponent = (name: string): Promise<void> => stackCli('up', name);
/** Graceful stop (SIGTERM, then waits for the process to exit). */
export const stopComponent = (name: string): Promise<void> => stackCli('down', name);
