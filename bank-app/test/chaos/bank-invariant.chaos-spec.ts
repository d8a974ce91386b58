// The bank invariant under faults, in the manner of Jepsen's "bank" workload: a load of withdrawals over
// many cards, each with an Idempotency-Key, runs while one fault is injected; unknown outcomes are
// retried with their keys until definite; then, once the pipeline is quiet, the checker compares the
// ledger with the write model, the read model, `ministatement` (read_committed) and Druid, exactly.
// The API and the projector are separate processes, so the projector can be killed or paused alone.
import { AssignerProtocol } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import { loadAppConfig } from '../../src/config/app-config';
import { buildApp, spawnApp, stopApp, type AppProcess } from '../support/app-process';
import { uniqueCardId } from '../support/cards';
import { openTestDb } from '../support/db';
import { taskRowCounters, waitForSupervisorRunning } from '../support/druid';
import { kafka, waitForConnectorRunning } from '../support/pipeline';
import { signalComponent, startComponent, stopComponent } from '../support/stack';
import { waitFor } from '../support/wait-for';
import {
  checkInvariants,
  duplicateChangeEvents,
  scenarioStart,
  secondsTaken,
  waitUntilQuiet,
  type Verdict,
} from './checker';
import { Ledger } from './ledger';

const API_PORT = 18_401;
const apiUrl = `http://127.0.0.1:${API_PORT}`;
const SCENARIO_TIMEOUT_MS = 600_000;

interface ScenarioResult {
  scenario: string;
  attempted: number;
  ok: number;
  failed: number;
  unknownResolved: number;
  duplicatesAbsorbed: number;
  recoverySeconds: number;
  /** Where the recovery's time went (printed under the table). */
  recoveryPhases: string;
  verdicts: Verdict[];
}

const results: ScenarioResult[] = [];
let api: AppProcess;
let projector: AppProcess;
let projectorCount = 0;
let db: Pool;

function startProjector(): Promise<AppProcess> {
  projectorCount += 1;
  return spawnApp(`chaos-projector-${projectorCount}`, API_PORT + projectorCount, {
    PROJECTOR_ENABLED: 'true',
  });
}

beforeAll(async () => {
  await buildApp();
  api = await spawnApp('chaos-api', API_PORT, { PROJECTOR_ENABLED: 'false' });
  projector = await startProjector();
  db = openTestDb();
  await waitForConnectorRunning();
  await waitForSupervisorRunning();
}, SCENARIO_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([api, projector].filter(Boolean).map((app) => stopApp(app, 'SIGTERM')));
  await db?.end();
  printTable();
}, SCENARIO_TIMEOUT_MS);

function printTable(): void {
  const header = [
    'scenario',
    'attempted',
    'ok',
    'failed',
    'unknown→resolved',
    'duplicates absorbed',
    'recovery s',
    'invariants',
  ];
  const rows = results.map((result) => [
    result.scenario,
    String(result.attempted),
    String(result.ok),
    String(result.failed),
    String(result.unknownResolved),
    String(result.duplicatesAbsorbed),
    result.recoverySeconds.toFixed(1),
    result.verdicts.every((verdict) => verdict.holds)
      ? `all ${result.verdicts.length} hold`
      : result.verdicts
          .filter((verdict) => !verdict.holds)
          .map((verdict) => `${verdict.invariant}: ${verdict.detail}`)
          .join('; '),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const table = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
  const phases = results.map((result) => `- ${result.scenario}: ${result.recoveryPhases}`).join('\n');
  process.stdout.write(
    `\nBank invariant under faults\n${table}\n\nRecovery, phase by phase (s)\n${phases}\n\n`,
  );
}

async function createCards(count: number, initialLimit: string): Promise<string[]> {
  const cards = Array.from({ length: count }, () => uniqueCardId('chaos'));
  for (const id of cards) {
    const response = await fetch(`${apiUrl}/debitcards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, initialLimit }),
    });
    if (response.status !== 201) throw new Error(`creating card ${id}: ${response.status}`);
  }
  return cards;
}

/** Waits until the load has made `more` further attempts: the fault lasts while real traffic runs. */
async function loadProgress(ledger: Ledger, more: number, description: string): Promise<void> {
  const target = ledger.attempts.length + more;
  await waitFor(() => Promise.resolve(ledger.attempts.length >= target ? true : undefined), {
    description: `${more} more attempts (${description})`,
    timeoutMs: 120_000,
  });
}

/**
 * Runs one scenario: load, the fault (which returns when the fault is cleared), more load, then the
 * bounded wait for a quiet pipeline and the checks. Recovery = fault cleared → everything matches.
 */
async function runScenario(scenario: string, fault: (ledger: Ledger) => Promise<void>): Promise<void> {
  const cards = await createCards(8, '1500.00');
  const countersBefore = await taskRowCounters();
  // The checks read the topics from here on: what this scenario wrote, however long the stack has run.
  const since = await scenarioStart();
  const ledger = new Ledger(apiUrl, cards);
  ledger.start();
  try {
    await waitFor(() => Promise.resolve(ledger.count('ok') >= 40 ? true : undefined), {
      description: 'the load to be flowing',
      timeoutMs: 60_000,
    });
    await fault(ledger);
    const cleared = Date.now();
    const definite = await secondsTaken(() =>
      waitFor(
        () =>
          Promise.resolve(ledger.attempts.slice(-20).some((a) => a.outcome !== 'unknown') ? true : undefined),
        {
          description: 'the API to answer definitely again after the fault',
          timeoutMs: 120_000,
        },
      ),
    );
    const moreLoad = await secondsTaken(() => loadProgress(ledger, 40, 'after the fault'));
    const resolved = await secondsTaken(async () => {
      await ledger.stop();
      await ledger.resolveUnknowns();
    });
    const quiet = await waitUntilQuiet(db, ledger, cards);
    const recoverySeconds = (Date.now() - cleared) / 1000;
    const phases: [string, number][] = [
      ['API definite', definite],
      ['40 more attempts', moreLoad],
      ['unknowns resolved', resolved],
      ['read model', quiet.readModel],
      ['projector caught up', quiet.projectorCaughtUp],
      ['Druid', quiet.druid],
    ];
    const recoveryPhases = phases.map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)}`).join(', ');
    const verdicts = await checkInvariants(db, ledger, cards, countersBefore, since);
    results.push({
      scenario,
      attempted: ledger.attempts.length,
      ok: ledger.count('ok'),
      failed: ledger.count('failed'),
      unknownResolved: ledger.attempts.filter((attempt) => attempt.wasUnknown).length,
      duplicatesAbsorbed: await duplicateChangeEvents(cards, since.debitCard),
      recoverySeconds,
      recoveryPhases,
      verdicts,
    });
    expect(verdicts.filter((verdict) => !verdict.holds)).toEqual([]);
    expect(ledger.count('ok')).toBeGreaterThan(0);
  } finally {
    await ledger.stop();
  }
}

it(
  '1. projector killed with SIGKILL mid-batch and restarted',
  () =>
    runScenario('projector SIGKILL', async (ledger) => {
      await stopApp(projector, 'SIGKILL');
      await loadProgress(ledger, 60, 'while no projector runs');
      projector = await startProjector();
    }),
  SCENARIO_TIMEOUT_MS,
);

it(
  '2. Kafka Connect worker killed with SIGKILL and restarted',
  () =>
    runScenario('Connect SIGKILL', async (ledger) => {
      await signalComponent('connect', 'SIGKILL');
      await loadProgress(ledger, 60, 'while Connect is down');
      await startComponent('connect');
      await waitForConnectorRunning();
    }),
  SCENARIO_TIMEOUT_MS,
);

it(
  '3. Kafka broker stopped (SIGTERM) for ten seconds, then killed (SIGKILL), restarted each time',
  () =>
    runScenario('Kafka SIGTERM 10 s, then SIGKILL', async (ledger) => {
      await stopComponent('kafka');
      const stopped = Date.now();
      await waitFor(() => Promise.resolve(Date.now() - stopped >= 10_000 ? true : undefined), {
        description: 'the broker to stay down for ten seconds (the fault itself)',
        timeoutMs: 20_000,
      });
      await startComponent('kafka');
      await loadProgress(ledger, 60, 'between the two broker faults');
      await signalComponent('kafka', 'SIGKILL');
      await loadProgress(ledger, 20, 'while the broker is dead');
      await startComponent('kafka');
      await waitForConnectorRunning();
    }),
  SCENARIO_TIMEOUT_MS,
);

it(
  '4. database killed with SIGKILL and restarted (the API answers 503 meanwhile)',
  () =>
    runScenario('MariaDB SIGKILL', async (ledger) => {
      await signalComponent('mariadb', 'SIGKILL');
      await loadProgress(ledger, 40, 'while the database is down');
      const unavailable = ledger.attempts
        .slice(-40)
        .filter((attempt) => attempt.outcome === 'unknown').length;
      expect(unavailable).toBeGreaterThan(0);
      await startComponent('mariadb');
    }),
  SCENARIO_TIMEOUT_MS,
);

/** Members of the projector group and how many partitions each holds. */
async function groupMembers(): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([loadAppConfig().projector.groupId]);
    return (groups[0]?.members ?? []).map(
      (member) =>
        AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment.debit_card?.length ?? 0,
    );
  } finally {
    await admin.disconnect();
  }
}

it(
  '5. projector paused (SIGSTOP) past its session timeout while a second one takes over, then resumed',
  () =>
    runScenario('projector SIGSTOP past session timeout', async (ledger) => {
      const second = await startProjector();
      try {
        await waitFor(
          async () =>
            (await groupMembers()).filter((partitions) => partitions > 0).length === 2 ? true : undefined,
          {
            description: 'two projectors sharing the partitions',
            timeoutMs: 60_000,
          },
        );
        projector.child.kill('SIGSTOP');
        // Past the session timeout: the group drops the paused member and the other takes its partitions.
        await waitFor(async () => ((await groupMembers()).length === 1 ? true : undefined), {
          description: 'the group to drop the paused projector after its session timeout',
          timeoutMs: 60_000,
        });
        await loadProgress(ledger, 60, 'while the paused projector is out of the group');
        projector.child.kill('SIGCONT');
      } finally {
        projector.child.kill('SIGCONT');
        // Keep one projector for what follows; the resumed one rejoins (fenced for anything it had in hand).
        await stopApp(second, 'SIGTERM');
      }
    }),
  SCENARIO_TIMEOUT_MS,
);
