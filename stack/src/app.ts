// bank-app as the launcher sees it: migrations, a build when its sources changed, and `npm start`'s last
// step, the app in the foreground on APP_PORT. Ctrl-C stops the app; the caller then stops the stack.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { progress } from './output';
import { httpOk } from './probes';
import { appEnvironment, host, ports, repoRoot } from './settings';
import { waitFor } from './wait';

const appDir = path.join(repoRoot, 'bank-app');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function npmRun(script: string): void {
  progress('bank-app', `npm run ${script}`);
  const result = spawnSync('npm', ['run', script, '-w', 'bank-app'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: appEnvironment(),
  });
  if (result.status !== 0) throw new Error(`npm run ${script} -w bank-app failed (exit ${result.status})`);
}

/** Applies bank-app's migrations with the migrator user (the app's own user has no DDL rights). */
export function migrate(): void {
  npmRun('migrate');
}

export function buildAppIfStale(): void {
  const main = path.join(appDir, 'dist', 'main.js');
  if (fs.existsSync(main) && fs.statSync(main).mtimeMs >= newestMtime(path.join(appDir, 'src'))) return;
  npmRun('build');
}

function printWelcome(): void {
  const base = `http://${host}:${ports.app.port}`;
  console.log(`
bank-app is up.
  API                 ${base}/moneywithdrawals, ${base}/debitcards
  health              ${base}/health
  Druid SQL           http://${host}:${ports.druidBroker.port}/druid/v2/sql (router: http://${host}:${ports.druidRouter.port}/)

Try it:
  curl -s -X POST ${base}/moneywithdrawals -H 'Content-Type: application/json' \\
       -d '{"debitCard":"123456789","amount":10.00}'
  curl -s '${base}/moneywithdrawals?debitCardId=123456789&minVersion=1'
  curl -s '${base}/debitcards/123456789'

Ctrl-C stops bank-app and every stack component this command started.
`);
}

export async function runApp(): Promise<number> {
  buildAppIfStale();
  const app = spawn(process.execPath, [path.join(appDir, 'dist', 'main.js')], {
    cwd: appDir,
    stdio: 'inherit',
    env: appEnvironment(),
  });
  const exited = new Promise<number>((resolve) => app.on('close', (code) => resolve(code ?? 0)));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    progress('bank-app', 'stopping');
    app.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const healthy = waitFor(
    `GET ${host}:${ports.app.port}/health`,
    () => httpOk(`http://${host}:${ports.app.port}/health`),
    {
      timeoutMs: 60_000,
    },
  );
  const first = await Promise.race([
    healthy.then(() => 'healthy' as const),
    exited.then(() => 'exited' as const),
  ]);
  if (first === 'healthy') printWelcome();
  const code = await exited;
  return stopping ? 0 : code;
}
