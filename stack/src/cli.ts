// The launcher's commands: `npm start`, `npm test`, `npm run stack:up|stack:down|stack:status`, and
// `kill <component> <signal>` for fault injection. Run through stack/bootstrap.cjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, runApp } from './app';
import { components } from './components';
import { progress } from './output';
import { signalProcess } from './processes';
import { register } from './register';
import { appEnvironment, repoRoot } from './settings';
import { down, status, statusTable, up } from './stack';

/** Prints every component; true when all of `names` (all components when empty) are ready. */
async function printStatus(names: string[] = []): Promise<boolean> {
  const rows = await status();
  console.log(statusTable(rows));
  const notReady = rows.filter(
    (row) => row.state !== 'ready' && (names.length === 0 || names.includes(row.name)),
  );
  if (notReady.length > 0) {
    console.log(`\nnot ready: ${notReady.map((row) => `${row.name} (${row.state})`).join(', ')}`);
  }
  return notReady.length === 0;
}

/** Runs jest over every project, then prints one plain closing line that any CI can read. */
async function runTests(extraArgs: string[]): Promise<number> {
  const outputDir = path.join(repoRoot, 'test-output');
  fs.mkdirSync(outputDir, { recursive: true });
  const resultFile = path.join(outputDir, 'jest-results.json');
  fs.rmSync(resultFile, { force: true });
  const jest = path.join(repoRoot, 'node_modules', '.bin', 'jest');
  const args = ['--runInBand', '--json', `--outputFile=${resultFile}`, ...extraArgs];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(jest, args, { cwd: repoRoot, stdio: 'inherit', env: appEnvironment() });
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  return code;
}

function summaryLine(): string | undefined {
  try {
    const results = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'test-output', 'jest-results.json'), 'utf8'),
    ) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTotalTests: number };
    return `Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const [command = 'status', ...rest] = process.argv.slice(2);
  switch (command) {
    case 'up': {
      await up(rest);
      return (await printStatus(rest)) ? 0 : 1;
    }
    case 'down': {
      const stopped = await down(rest.length > 0 ? rest : components.map((component) => component.name));
      progress('stack', stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status':
      return (await printStatus()) ? 0 : 1;
    case 'register':
      await register();
      return 0;
    case 'kill': {
      const [name, signal = 'SIGKILL'] = rest;
      if (!name) throw new Error('usage: kill <component> [SIGKILL|SIGTERM|SIGSTOP|SIGCONT]');
      const pid = signalProcess(name, signal as NodeJS.Signals);
      progress(name, `sent ${signal} to pid ${pid}`);
      return 0;
    }
    case 'start': {
      const started: string[] = [];
      try {
        await up([], started);
        migrate();
        await register();
        console.log(statusTable(await status()));
        return await runApp();
      } finally {
        await down(started);
      }
    }
    case 'test': {
      const started: string[] = [];
      let code = 1;
      try {
        await up([], started);
        migrate();
        await register();
        code = await runTests(rest);
      } finally {
        // Stop only what this run started: a developer's running stack stays up.
        if (process.env.KEEP_STACK !== '1') await down(started);
      }
      const line = summaryLine();
      if (code !== 0 && line?.includes(' 0 failed')) {
        // Jest also fails a run whose tests all passed when code outlived its test file (it logs
        // "after the Jest environment has been torn down"): something was left running.
        console.log(`jest exited with code ${code} although no test failed; see its output above`);
      }
      if (line) console.log(line); // last: the line CI reads
      return code;
    }
    default:
      throw new Error(`unknown command "${command}" (up, down, status, start, test, register, kill)`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`\n[stack] ${error.message}`);
    process.exit(1);
  },
);
