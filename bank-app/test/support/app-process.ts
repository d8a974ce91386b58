// bank-app as a separate OS process (the built dist/main.js, exactly as `npm start` runs it), so fault
// tests can kill a projector for real (SIGKILL), stop one of two instances, or arm the crash hook.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for';

const appDir = path.resolve(__dirname, '..', '..');
const repoRoot = path.resolve(appDir, '..');
const logDir = path.join(repoRoot, 'test-output');

export async function buildApp(): Promise<void> {
  await promisify(execFile)('npm', ['run', 'build', '-w', 'bank-app'], { cwd: repoRoot, timeout: 300_000 });
}

export interface AppProcess {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

/**
 * Starts the built app. With `awaitHealth` (the default) resolves once it answers /health; a process
 * expected to die at once (the crash hook) is returned without waiting.
 */
export async function spawnApp(
  name: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
  awaitHealth = true,
): Promise<AppProcess> {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: appDir,
    env: { ...process.env, APP_PORT: String(port), PROJECTOR_ENABLED: 'true', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const app = { name, port, child, exited, logFile };
  if (!awaitHealth) return app;
  const healthy = waitFor(
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      return response.ok ? true : undefined;
    },
    { description: `${name} to answer /health on port ${port}`, timeoutMs: 60_000 },
  );
  const early = exited.then(({ code, signal }) => {
    throw new Error(
      `${name} exited (code ${code}, signal ${signal}) before answering /health; see ${logFile}`,
    );
  });
  early.catch(() => undefined); // exiting after it became healthy is the caller's business
  await Promise.race([healthy, early]);
  return app;
}

/** Stops the process with the signal and waits until it is gone. */
export async function stopApp(app: AppProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) {
    app.child.kill('SIGCONT'); // a paused (SIGSTOP) process would not handle the signal until resumed
    app.child.kill(signal);
  }
  await app.exited;
}
