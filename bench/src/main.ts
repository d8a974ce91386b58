// `npm run bench`: the benchmarks of docs/benchmarks.md. Starts what the stack lacks (and stops only that
// at the end), builds bank-app, runs its own bank-app processes on a spare port, measures each figure
// beside its ceiling, writes a dated results file (and, for a full run, bench/results/latest.json), and
// prints the table.
// BENCH_QUICK=1 is a short smoke run; see docs/benchmarks.md for the method and every variable.
import os from 'node:os';
import { buildAppIfStale, migrate } from '../../stack/src/app';
import { connectorSpec } from '../../stack/src/connector';
import { ensureDebianPackages } from '../../stack/src/install';
import { configuredEndpoints, ensureTopics, register, registerConnector } from '../../stack/src/register';
import { down, up } from '../../stack/src/stack';
import { supervisorSpec, supervisorStatus } from '../../stack/src/supervisor';
import { startApp, stopAllApps, stopApp } from './app-process';
import { ensureBenchCards } from './cards';
import { commandBenchmarks } from './command';
import { benchConfig } from './config';
import { openDb } from './db';
import { currentCommit, durabilitySettings, machine, versions } from './environment';
import { freshnessBenchmarks } from './freshness';
import { CHANGE_TOPIC, groupLag, groupMembers, PROJECTOR_GROUP, topicExtent } from './kafka';
import { say, waitUntil } from './log';
import { ensureBacklog, projectionBenchmarks } from './projection';
import { writeReadmeTable } from './readme-table';
import { figure, resultsTable, writeResults, type Figure } from './report';

/** The figures a section would have produced, as "not measured", when the section fails. */
const SECTIONS = {
  command: [
    'command_throughput_c32',
    'command_throughput_c8',
    'command_p99_half_load_ms',
    'hot_card_throughput',
  ],
  freshness: ['freshness_read_model_p99_ms', 'freshness_druid_p99_ms'],
  projection: ['projection_throughput'],
};

/**
 * Druid's ingestion task, after a (re)start, re-reads `ministatement` from its last checkpoint and
 * persists what it read, which keeps a core busy for a long while. Measuring anything meanwhile would
 * measure that too, so the bench waits until Druid has read everything it can. Druid counts as lag
 * what it never reads: a commit marker (1 at the end of a partition written by transactions) and an
 * aborted transaction (its records and marker, after a projector crash). So: every partition at most
 * one behind, or a small lag that has stayed the same for STEADY_LAG_MS (nothing left to read).
 */
const STEADY_LAG_MS = 10_000;
const STEADY_LAG_MAX_RECORDS = 1000;

async function waitForDruidIngestion(): Promise<void> {
  const { overlordUrl } = configuredEndpoints();
  const id = supervisorSpec().spec.dataSchema.dataSource;
  let announced = false;
  let lastLags = '';
  let sameSince = Date.now();
  await waitUntil(
    `Druid supervisor ${id} to catch up with ministatement`,
    async () => {
      const status = await supervisorStatus(overlordUrl, id);
      const lags = Object.values(status.minimumLag ?? {});
      const lagsNow = JSON.stringify(status.minimumLag ?? {});
      if (lagsNow !== lastLags) [lastLags, sameSince] = [lagsNow, Date.now()];
      const steady =
        lags.length > 0 &&
        Date.now() - sameSince >= STEADY_LAG_MS &&
        lags.reduce((sum, lag) => sum + lag, 0) <= STEADY_LAG_MAX_RECORDS;
      const caughtUp =
        status.state === 'RUNNING' &&
        (lags.length > 0 ? lags.every((lag) => lag <= 1) || steady : status.aggregateLag === 0);
      if (!caughtUp && !announced && (status.aggregateLag ?? 0) > lags.length) {
        announced = true;
        say('druid', `ingestion catching up with ${status.aggregateLag} records`);
      }
      return caughtUp ? true : `state ${status.state}, lag ${lagsNow}`;
    },
    { timeoutMs: 600_000, intervalMs: 2000 },
  );
}

async function waitForProjector(): Promise<void> {
  const lag = await groupLag(PROJECTOR_GROUP, CHANGE_TOPIC);
  if (lag > 0) say('projector', `catching up with ${lag} change events`);
  await waitUntil(
    `the projector (group ${PROJECTOR_GROUP}) to catch up with ${CHANGE_TOPIC}`,
    async () => {
      const now = await groupLag(PROJECTOR_GROUP, CHANGE_TOPIC);
      return now === 0 ? true : `lag ${now}`;
    },
    { timeoutMs: (180 + lag / 200) * 1000, intervalMs: 1000 },
  );
}

/** Stack components this run started; stopped at the end, on failure and on Ctrl-C. */
const started: string[] = [];
/** The launcher's up(): a Ctrl-C while it runs must wait for it, or a component it is starting would stay. */
let starting: Promise<unknown> = Promise.resolve();
let cleaning: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await starting.catch(() => undefined);
    await stopAllApps();
    // KEEP_STACK=1 (as for npm test) leaves what this run started running.
    if (started.length > 0 && process.env.KEEP_STACK !== '1') await down(started);
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say('bench', `${signal}: stopping what this run started`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const db = openDb();
  const figures: Figure[] = [];
  const failures: string[] = [];
  const section = async (name: keyof typeof SECTIONS, work: () => Promise<Figure[]>) => {
    if (benchConfig.only && !benchConfig.only.includes(name)) {
      for (const skipped of SECTIONS[name]) {
        figures.push(
          figure(skipped, null, '-', { detail: { skipped: `BENCH_ONLY=${benchConfig.only.join(',')}` } }),
        );
      }
      return;
    }
    try {
      figures.push(...(await work()));
    } catch (error) {
      const message = (error as Error).message;
      failures.push(`${name}: ${message}`);
      say(name, `FAILED: ${message}`);
      for (const missing of SECTIONS[name].filter((n) => !figures.some((f) => f.name === n))) {
        figures.push(figure(missing, null, '-', { detail: { error: message } }));
      }
    }
  };
  try {
    say(
      'stack',
      `${benchConfig.quick ? 'QUICK run (BENCH_QUICK=1): short and noisy' : 'full run'}; starting what is not running`,
    );
    // Druid is needed only for the freshness section; without it, start and register the CDC path alone.
    const needsDruid = !benchConfig.only || benchConfig.only.includes('freshness');
    ensureDebianPackages([{ binary: 'sysbench', packages: ['sysbench'] }]); // the database ceiling
    starting = up(needsDruid ? [] : ['mariadb', 'kafka', 'connect'], started);
    await starting;
    migrate();
    if (needsDruid) {
      await register();
    } else {
      const endpoints = configuredEndpoints();
      await ensureTopics(endpoints.kafkaBrokers);
      await registerConnector(endpoints.connectUrl, connectorSpec());
    }
    buildAppIfStale();
    if (needsDruid) await waitForDruidIngestion();
    const date = new Date().toISOString();
    const { commit, dirty } = currentCommit();
    const machineInfo = machine();
    const otherProjectors = await groupMembers(PROJECTOR_GROUP);
    const durability = await durabilitySettings(db);
    const settings = {
      ...durability,
      dbPoolSize: benchConfig.dbPoolSize,
      concurrency: benchConfig.concurrencies,
      hotCardConcurrency: benchConfig.hotConcurrency,
      cards: benchConfig.cards,
      amount: benchConfig.amount,
      idempotencyKeyOnEveryRequest: true,
      repetitions: benchConfig.repetitions,
      runSeconds: benchConfig.runSeconds,
      warmupSeconds: benchConfig.warmupSeconds,
      projectorDuringCommandRuns: false,
      freshnessRate: benchConfig.freshnessRate,
      freshnessSeconds: benchConfig.freshnessSeconds,
      freshnessRepetitions: benchConfig.freshnessRepetitions,
      backlogEvents: benchConfig.backlogEvents,
      projectionRepetitions: benchConfig.projectionRepetitions,
      debitCardPartitions: (await topicExtent(CHANGE_TOPIC)).high.size,
      quick: benchConfig.quick,
    };
    const header = {
      commit,
      dirty,
      date,
      machine: machineInfo,
      versions: await versions(db),
      settings,
      notes: [
        ...(benchConfig.note ? [benchConfig.note] : []),
        ...(otherProjectors > 0
          ? [`${otherProjectors} projector(s) not started by the bench were consuming`]
          : []),
      ],
    };
    if (durability.sync_binlog !== '1' || durability.innodb_flush_log_at_trx_commit !== '1') {
      say(
        'settings',
        'WARNING: the database is not at full durability (sync_binlog=1, innodb_flush_log_at_trx_commit=1)',
      );
    }

    await section('command', async () => {
      const app = await startApp('bench-command', { projector: false, profile: benchConfig.profile });
      try {
        await ensureBenchCards(db, app.url);
        return await commandBenchmarks(db, app);
      } finally {
        await stopApp(app);
      }
    });
    await section('freshness', async () => {
      const app = await startApp('bench-pipeline', { projector: true });
      try {
        await ensureBenchCards(db, app.url); // created by the command section, unless it was skipped
        await waitForProjector();
        await waitForDruidIngestion(); // what the projector just published, after the command runs
        const fresh = await freshnessBenchmarks(db, app);
        // The projection benchmark's backlog is projected live too, so nothing is left for the next projector.
        await ensureBacklog();
        await waitForProjector();
        return fresh;
      } finally {
        await stopApp(app);
      }
    });
    await section('projection', () => projectionBenchmarks());

    const fullRun = !benchConfig.quick && !benchConfig.only;
    const written = writeResults(
      {
        ...header,
        machine: { ...machineInfo, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
        failures,
        results: figures,
      },
      fullRun,
    );
    // The README's table shows latest.json's headline figures: regenerated whenever latest.json is.
    if (fullRun) written.push(writeReadmeTable());
    console.log(`\n${resultsTable(figures)}\n\nwritten: ${written.join(' and ')}`);
    return failures.length > 0 ? 1 : 0;
  } finally {
    await db.end();
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`\n[bench] ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
