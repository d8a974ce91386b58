// The bench's own bank-app processes: the built dist/main.js (as `npm start` runs it), on a spare port,
// with the launcher's environment; and the HTTP floor server (http-floor-server.cjs) the same way.
// The bench stops exactly the processes it started here.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appEnvironment, host, repoRoot } from '../../stack/src/settings';
import { benchConfig } from './config';
import { say, sleep, waitUntil, within } from './log';

export const benchOutputDir = path.join(repoRoot, 'test-output', 'bench');
const appDir = path.join(repoRoot, 'bank-app');

export interface BenchApp {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  logFile: string;
  profileFile?: string;
  exited: Promise<void>;
}

const running = new Set<BenchApp>();

export async function startApp(
  name: string,
  options: {
    projector: boolean;
    profile?: boolean;
    entry?: string;
    port?: number;
    env?: Record<string, string>;
  },
): Promise<BenchApp> {
  fs.mkdirSync(benchOutputDir, { recursive: true });
  const port = options.port ?? benchConfig.appPort;
  const entry = options.entry ?? path.join(appDir, 'dist', 'main.js');
  const logFile = path.join(benchOutputDir, `${name}.log`);
  const profileFile = options.profile ? path.join(benchOutputDir, `${name}.cpuprofile`) : undefined;
  const out = fs.openSync(logFile, 'w');
  const nodeArgs = profileFile ? ['--require', path.join(__dirname, 'cpu-profile.cjs')] : [];
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: appDir,
    env: {
      ...appEnvironment(),
      APP_PORT: String(port),
      PROJECTOR_ENABLED: String(options.projector),
      DB_POOL_SIZE: String(benchConfig.dbPoolSize),
      ...options.env,
      ...(profileFile ? { BENCH_PROFILE_FILE: profileFile } : {}),
    },
    stdio: profileFile ? ['ignore', out, out, 'ipc'] : ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: BenchApp = { name, port, url: `http://${host}:${port}`, child, logFile, profileFile, exited };
  running.add(app);
  let gone = false;
  void exited.then(() => (gone = true));
  await waitUntil(
    `${name} (pid ${child.pid}) to answer /health on port ${port}; log: ${logFile}`,
    async () => {
      if (gone) throw new Error(`${name} exited; see ${logFile}`);
      const response = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    },
    { timeoutMs: 90_000, intervalMs: 300 },
  ).catch(async (error: Error) => {
    await stopApp(app);
    throw error;
  });
  say(name, `pid ${child.pid} on ${app.url} (projector ${options.projector ? 'on' : 'off'}, log ${logFile})`);
  return app;
}

/** SIGTERM (graceful: the projector leaves its group), SIGKILL if it has not exited after 20 s. */
export async function stopApp(app: BenchApp): Promise<void> {
  if (!running.has(app)) return;
  running.delete(app);
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGTERM');
  try {
    await within(app.exited, 20_000, `${app.name} to exit after SIGTERM`);
  } catch {
    app.child.kill('SIGKILL');
    await within(app.exited, 10_000, `${app.name} to exit after SIGKILL`);
  }
}

export async function stopAllApps(): Promise<void> {
  for (const app of [...running]) await stopApp(app);
}

/** BENCH_PROFILE=1: starts the CPU profiler in the app, or (stop) has it write the profile. */
export async function toggleProfiler(app: BenchApp, stop: boolean): Promise<void> {
  if (!app.profileFile) return;
  if (stop) fs.rmSync(app.profileFile, { force: true });
  app.child.send(stop ? 'stop' : 'start');
  if (!stop) return sleep(200);
  const file = app.profileFile;
  await waitUntil(`the CPU profile ${file}`, () => Promise.resolve(fs.existsSync(file)), {
    timeoutMs: 30_000,
  });
  say(app.name, `CPU profile written: ${file} (summary: npx tsx bench/src/profile-summary.ts ${file})`);
}
