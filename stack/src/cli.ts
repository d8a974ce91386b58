// The launcher's commands: `npm start`, `npm test`, `npm run test:unit`,
// `npm run stack:up|stack:down|stack:status`, and `kill <component> <signal>` for fault injection. Run
// through stack/bootstrap.cjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, runApp } from './app';
import { components } from './components';
import { ensureDebianPackages, TEST_TOOLS } from './install';
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

const outputDir = path.join(repoRoot, 'test-output');
/** The closing line of the last test command, for CI to print again after later steps (.ci/run). */
const summaryFile = path.join(outputDir, 'summary.txt');

interface JestRun {
  tier: 'unit' | 'integration';
  /** Where jest wrote its --json results (nothing there when it wrote none: a global setup failed, say). */
  resultFile: string;
  code: number;
}

/** Runs jest once, with its results written as JSON to test-output/. */
async function runJest(tier: JestRun['tier'], args: string[], env: NodeJS.ProcessEnv): Promise<JestRun> {
  fs.mkdirSync(outputDir, { recursive: true });
  const resultFile = path.join(outputDir, tier === 'unit' ? 'jest-unit-results.json' : 'jest-results.json');
  fs.rmSync(resultFile, { force: true });
  const jest = path.join(repoRoot, 'node_modules', '.bin', 'jest');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(jest, ['--json', `--outputFile=${resultFile}`, ...args], {
      cwd: repoRoot,
      stdio: 'inherit',
      env,
    });
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  return { tier, resultFile, code };
}

/**
 * The unit tier (jest.unit.config.js): no stack, no global setup, so nothing to start first; its specs
 * share nothing, so jest's workers run them in parallel.
 */
function runUnitTests(extraArgs: string[] = []): Promise<JestRun> {
  return runJest('unit', ['--config', path.join(repoRoot, 'jest.unit.config.js'), ...extraArgs], process.env);
}

/**
 * The integration tier (jest.config.js: stack, bank-app e2e, chaos) against the running stack, in band:
 * some specs stop and restart components, which must not race other specs.
 */
function runIntegrationTests(extraArgs: string[]): Promise<JestRun> {
  return runJest('integration', ['--runInBand', ...extraArgs], appEnvironment());
}

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numRuntimeErrorTestSuites: number;
}

function readResults(run: JestRun): JestResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(run.resultFile, 'utf8')) as JestResults;
  } catch {
    return undefined;
  }
}

/**
 * Prints one plain closing line that any CI can read, summed over the runs (the unit tier, then the
 * integration tier when it ran), and keeps it in test-output/summary.txt. Without results from every run
 * there is no honest sum: it says so instead.
 */
function printSummary(runs: JestRun[]): void {
  fs.rmSync(summaryFile, { force: true });
  const results = runs.map(readResults);
  runs.forEach((run, index) => {
    const result = results[index];
    if (run.code === 0) return;
    if (!result) {
      console.log(
        `jest (${run.tier} tier) exited with code ${run.code} and wrote no results; see its output above`,
      );
    } else if (result.numRuntimeErrorTestSuites > 0) {
      console.log(
        `${result.numRuntimeErrorTestSuites} test file(s) of the ${run.tier} tier could not run; see above`,
      );
    } else if (result.numFailedTests === 0) {
      // Jest also fails a run whose tests all passed when code outlived its test file (it logs
      // "after the Jest environment has been torn down"): something was left running.
      console.log(
        `jest (${run.tier} tier) exited with code ${run.code} although no test failed; see its output above`,
      );
    }
  });
  const complete = results.filter((result): result is JestResults => result !== undefined);
  if (complete.length < runs.length) return;
  const sum = (key: keyof JestResults) => complete.reduce((total, result) => total + result[key], 0);
  // A test file that could not run (it did not compile, say) counts as a failure, never as nothing.
  const failed = sum('numFailedTests') + sum('numRuntimeErrorTestSuites');
  const line = `Tests: ${sum('numPassedTests')} passed, ${failed} failed, ${sum('numPendingTests')} skipped`;
  fs.writeFileSync(summaryFile, `${line}\n`);
  console.log(line); // last: the line CI reads
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
    case 'test:unit': {
      const unit = await runUnitTests(rest);
      printSummary([unit]);
      return unit.code;
    }
    case 'test': {
      // The unit tier first, before anything starts: a broken unit fails in seconds.
      fs.rmSync(summaryFile, { force: true });
      const unit = await runUnitTests();
      if (unit.code !== 0) {
        progress('test', 'the unit tier failed: no stack, no integration tier');
        printSummary([unit]);
        return unit.code;
      }
      // What the integration tier needs besides the stack: the browser of the dashboard's e2e spec.
      ensureDebianPackages(TEST_TOOLS);
      const started: string[] = [];
      let integration: JestRun;
      try {
        await up([], started);
        migrate();
        await register();
        integration = await runIntegrationTests(rest);
      } finally {
        // Stop only what this run started: a developer's running stack stays up.
        if (process.env.KEEP_STACK !== '1') await down(started);
      }
      printSummary([unit, integration]);
      return integration.code;
    }
    default:
      throw new Error(
        `unknown command "${command}" (up, down, status, start, test, test:unit, register, kill)`,
      );
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`\n[stack] ${error.message}`);
    process.exit(1);
  },
);
