// Command side: POST /moneywithdrawals against the database's own rate for the same conditional UPDATE
// (sysbench), at concurrency 8 and 32 over the bench cards, then on one hot card, then latency at a
// steady half of the measured maximum. At 8 and 32 the HTTP floor (http-floor-server.cjs) runs too,
// twice: the same UPDATE behind the bare minimum of HTTP, without a key and then with the least that a
// key takes (its record inserted in the same transaction), to tell what the database allows from what
// an HTTP service on this machine can reach at all, with and without keys; at half load the keyed floor
// runs at bank-app's rate, for the tail such a service has here. The sides alternate within
// each repetition, and before every measured run the bench waits until Debezium has shipped the
// previous run's change events, so no side pays for another's CDC work.
import type { Pool } from 'mysql2/promise';
import os from 'node:os';
import path from 'node:path';
import { database } from '../../stack/src/settings';
import { gcDuringRun, gcTotals, type GcDuringRun } from './app-metrics';
import { startApp, stopApp, toggleProfiler, type BenchApp } from './app-process';
import { benchCards } from './cards';
import { benchConfig } from './config';
import {
  busyCores,
  cpuSecondsOf,
  databaseCpuSeconds,
  loadGeneratorCpuSeconds,
  machineCpuSeconds,
  otherComponentsCpuSeconds,
} from './cpu';
import { counterDelta, serverCounters, type Counters } from './db';
import { CHANGE_TOPIC, waitForQuietTopic } from './kafka';
import { maxRateLoad, steadyRateLoad, type LoadResult, type WithdrawalLoad } from './load';
import { say } from './log';
import { figure, type Figure } from './report';
import { median, round } from './stats';
import { runSysbench, type SysbenchOptions, type SysbenchResult } from './sysbench';

interface Measured<T> {
  result: T;
  /** Statements the server executed per successful withdrawal during the run (all clients). */
  statementsPer: number;
  /** Binlog commits per binlog group commit (fsync): how much group commit batched. */
  commitsPerGroup: number;
  /** Milliseconds of the database server's CPU per successful withdrawal (null if not measurable). */
  dbCpuMsPer: number | null;
  /** bank-app's garbage collection during the run (bank-app runs only; the floor has no /metrics). */
  gc?: GcDuringRun;
  /** Cores the other stack components kept busy during the run (those above 0.05). */
  others: Record<string, number>;
  /** The whole machine's CPU during the run (null when /proc/stat cannot be read). */
  machine: MachineBudget | null;
}

/** Where the machine's CPU went during a run: on 2 shared cores, the budget every side competes for. */
interface MachineBudget {
  /** Cores the whole machine kept busy, on average (all processes, the kernel included). */
  busyCores: number;
  /** Cores' worth of time the hypervisor ran other guests while this VM wanted to run. */
  stealCores: number;
  /** Machine CPU milliseconds per successful request, load generator included. */
  cpuMsPer: number;
  /** Of those, the load generator's: autocannon in the bench process, or the sysbench client. */
  loadGeneratorCpuMsPer: number;
  /** Of those, the HTTP server's (bank-app or the floor server; null for sysbench). */
  serverCpuMsPer: number | null;
}

interface CpuReading {
  machine: ReturnType<typeof machineCpuSeconds>;
  loadGenerator: number;
  server: number | undefined;
}

function readCpu(server?: BenchApp): CpuReading {
  const pid = server?.child.pid;
  return {
    machine: machineCpuSeconds(),
    loadGenerator: loadGeneratorCpuSeconds(),
    server: pid === undefined ? undefined : cpuSecondsOf(pid),
  };
}

function machineBudget(
  before: CpuReading,
  after: CpuReading,
  seconds: number,
  ok: number,
): MachineBudget | null {
  if (!before.machine || !after.machine) return null;
  const msPer = (cpuSeconds: number) => round((cpuSeconds * 1000) / ok, 3);
  return {
    busyCores: round((after.machine.busy - before.machine.busy) / seconds, 2),
    stealCores: round((after.machine.steal - before.machine.steal) / seconds, 2),
    cpuMsPer: msPer(after.machine.busy - before.machine.busy),
    loadGeneratorCpuMsPer: msPer(after.loadGenerator - before.loadGenerator),
    serverCpuMsPer:
      before.server === undefined || after.server === undefined ? null : msPer(after.server - before.server),
  };
}

/** The HTTP server a load run measures; `readGc`: it is bank-app, whose /metrics has its GC. */
interface Server {
  app: BenchApp;
  readGc: boolean;
}

async function measured<T>(
  db: Pool,
  run: () => Promise<T>,
  successes: (result: T) => number,
  server?: Server,
): Promise<Measured<T>> {
  await waitForQuietTopic(CHANGE_TOPIC, 1500, 300_000);
  const before = await serverCounters(db);
  const gcOf = server?.readGc ? server.app : undefined;
  const gcBefore = gcOf && (await gcTotals(gcOf.url));
  const cpuBefore = databaseCpuSeconds();
  const othersBefore = otherComponentsCpuSeconds();
  const machineBefore = readCpu(server?.app);
  const started = Date.now();
  const result = await run();
  const seconds = (Date.now() - started) / 1000;
  const machineAfter = readCpu(server?.app);
  const cpuAfter = databaseCpuSeconds();
  const others = busyCores(othersBefore, otherComponentsCpuSeconds(), seconds);
  const gcAfter = gcOf && (await gcTotals(gcOf.url));
  const delta: Counters = counterDelta(before, await serverCounters(db));
  const ok = Math.max(1, successes(result));
  return {
    result,
    gc: gcBefore && gcAfter ? gcDuringRun(gcBefore, gcAfter, seconds) : undefined,
    others,
    machine: machineBudget(machineBefore, machineAfter, seconds, ok),
    statementsPer: round(delta.Questions / ok, 2),
    commitsPerGroup: round(delta.Binlog_commits / Math.max(1, delta.Binlog_group_commits), 2),
    dbCpuMsPer:
      cpuBefore === undefined || cpuAfter === undefined
        ? null
        : round(((cpuAfter - cpuBefore) * 1000) / ok, 3),
  };
}

/** A load run against bank-app (its GC is read too) or the HTTP floor server. */
function appRun(db: Pool, run: () => Promise<LoadResult>, server: Server): Promise<Measured<LoadResult>> {
  return measured(db, run, (result) => result.answered, server);
}

function sysbenchRun(db: Pool, options: SysbenchOptions): Promise<Measured<SysbenchResult>> {
  return measured(
    db,
    () => runSysbench(options),
    (result) => result.allTransactions,
  );
}

function describeApp(label: string, run: Measured<LoadResult>): string {
  const r = run.result;
  return (
    `${label}: ${r.perSecond} req/s, p50 ${r.latency.p50} p95 ${r.latency.p95} p99 ${r.latency.p99} ms ` +
    `(load generator's loop late by p99 ${r.generatorLoopDelay.p99}, max ${r.generatorLoopDelay.max} ms), ` +
    `non-2xx ${r.non2xx}, errors ${r.errors}, ${run.statementsPer} statements/withdrawal, ${run.commitsPerGroup} commits/fsync, ` +
    `database CPU ${run.dbCpuMsPer ?? '?'} ms/withdrawal` +
    (run.gc ? `, GC ${run.gc.msPerSecond} ms/s (scavenge mean ${run.gc.meanMinorPauseMs} ms)` : '') +
    describeMachine(run) +
    describeOthers(run)
  );
}

function describeMachine(run: Measured<unknown>): string {
  const machine = run.machine;
  if (!machine) return '';
  return (
    `; machine ${machine.busyCores} cores busy (steal ${machine.stealCores}), ${machine.cpuMsPer} ms CPU/request ` +
    `(load generator ${machine.loadGeneratorCpuMsPer}` +
    (machine.serverCpuMsPer === null ? '' : `, server ${machine.serverCpuMsPer}`) +
    ')'
  );
}

function describeOthers(run: Measured<unknown>): string {
  const busy = Object.entries(run.others).map(([name, cores]) => `${name} ${cores}`);
  return busy.length > 0 ? `; other components (cores): ${busy.join(', ')}` : '';
}

function describeSysbench(label: string, run: Measured<SysbenchResult>): string {
  return (
    `${label}: ${run.result.perSecond} UPDATE/s, p99 ${run.result.p99Ms} ms, ${run.commitsPerGroup} commits/fsync, ` +
    `database CPU ${run.dbCpuMsPer ?? '?'} ms/UPDATE` +
    describeMachine(run) +
    describeOthers(run)
  );
}

const medianOf = <T>(runs: Measured<T>[], pick: (run: Measured<T>) => number) => median(runs.map(pick));

interface ThroughputRuns {
  app: Measured<LoadResult>[];
  db: Measured<SysbenchResult>[];
  /** sysbench at the app's pool size (the most the app itself ever has in the database at once). */
  dbAtPoolSize: Measured<SysbenchResult>[];
  /** The HTTP floor server under the same load without keys (when one was given)... */
  floor: Measured<LoadResult>[];
  /** ...and with a key on every request, as bank-app gets. */
  keyedFloor: Measured<LoadResult>[];
}

async function throughputPair(
  db: Pool,
  app: BenchApp,
  label: string,
  connections: number,
  load: WithdrawalLoad,
  options: { hotCard?: string; profile?: boolean; floor?: BenchApp } = {},
): Promise<ThroughputRuns> {
  const { hotCard, profile = false, floor } = options;
  const runs: ThroughputRuns = { app: [], db: [], dbAtPoolSize: [], floor: [], keyedFloor: [] };
  for (let repetition = 1; repetition <= benchConfig.repetitions; repetition += 1) {
    const ceiling = await sysbenchRun(db, {
      threads: connections,
      seconds: benchConfig.runSeconds,
      hotCard,
      tag: `sb-${label}`,
    });
    say(label, describeSysbench(`#${repetition} sysbench`, ceiling));
    runs.db.push(ceiling);
    if (hotCard) {
      // On one row, 32 sysbench threads queue on the row lock while the app never has more than its
      // pool in the database: measure the database at that concurrency too.
      const atPool = await sysbenchRun(db, {
        threads: benchConfig.dbPoolSize,
        seconds: benchConfig.runSeconds,
        hotCard,
        tag: `sb-${label}`,
      });
      say(label, describeSysbench(`#${repetition} sysbench --threads=${benchConfig.dbPoolSize}`, atPool));
      runs.dbAtPoolSize.push(atPool);
    }
    const profiling = profile && repetition === 1;
    if (profiling) await toggleProfiler(app, false);
    const measuredApp = await appRun(db, () => maxRateLoad(load, connections, benchConfig.runSeconds), {
      app,
      readGc: true,
    });
    if (profiling) await toggleProfiler(app, true);
    say(label, describeApp(`#${repetition} bank-app`, measuredApp));
    runs.app.push(measuredApp);
    if (floor) {
      for (const keyed of [false, true]) {
        const floorLoad = { ...load, baseUrl: floor.url, keyed };
        const measuredFloor = await appRun(
          db,
          () => maxRateLoad(floorLoad, connections, benchConfig.runSeconds),
          { app: floor, readGc: false },
        );
        say(label, describeApp(`#${repetition} HTTP floor${keyed ? ', keyed' : ''}`, measuredFloor));
        (keyed ? runs.keyedFloor : runs.floor).push(measuredFloor);
      }
    }
  }
  return runs;
}

const rateOf = (runs: Measured<LoadResult>[]) => medianOf(runs, (run) => run.result.perSecond);

/** bank-app's GC pause per second of load, and each run's mean scavenge. */
function gcFigure(name: string, runs: Measured<LoadResult>[]): Figure {
  return figure(
    name,
    medianOf(runs, (run) => run.gc?.msPerSecond ?? Number.NaN),
    'ms/s',
    {
      detail: {
        note: "bank-app's GC pauses (all kinds) per second of the run, from its nodejs_gc_duration_seconds",
        perRepetition: runs.map((run) => run.gc?.msPerSecond ?? null),
        meanScavengeMs: runs.map((run) => run.gc?.meanMinorPauseMs ?? null),
      },
    },
  );
}

function floorFigure(name: string, runs: Measured<LoadResult>[], dbRate: number, note: string): Figure {
  return figure(name, rateOf(runs), 'req/s', {
    ceiling: dbRate,
    detail: {
      note,
      perRepetition: runs.map((run) => run.result.perSecond),
      p99: runs.map((run) => run.result.latency.p99),
      statementsPerWithdrawal: runs.map((run) => run.statementsPer),
      dbCpuMsPerWithdrawal: runs.map((run) => run.dbCpuMsPer),
    },
  });
}

/**
 * The machine's CPU per withdrawal on every side of a throughput pair, and the rate each side's own work
 * (everything but the load generator's) would allow if it had all the cores: if a side keeps the cores
 * busy, that bound says how far any tuning of the same work can take it here.
 */
function machineCpuFigure(prefix: string, runs: ThroughputRuns): Figure {
  const cores = os.cpus().length;
  const budgets = (side: Measured<unknown>[]) =>
    side.map((run) => run.machine).filter((machine): machine is MachineBudget => machine !== null);
  const describe = (side: Measured<unknown>[]) => {
    const measuredBudgets = budgets(side);
    if (measuredBudgets.length === 0) return null;
    const medianBy = (pick: (budget: MachineBudget) => number) => median(measuredBudgets.map(pick));
    return {
      busyCores: measuredBudgets.map((budget) => budget.busyCores),
      stealCores: measuredBudgets.map((budget) => budget.stealCores),
      cpuMsPerRequest: medianBy((budget) => budget.cpuMsPer),
      loadGeneratorCpuMsPerRequest: medianBy((budget) => budget.loadGeneratorCpuMsPer),
      serverCpuMsPerRequest: measuredBudgets.some((budget) => budget.serverCpuMsPer !== null)
        ? medianBy((budget) => budget.serverCpuMsPer ?? Number.NaN)
        : null,
      rateBoundWithoutLoadGenerator: Math.round(
        medianBy((budget) => (cores * 1000) / (budget.cpuMsPer - budget.loadGeneratorCpuMsPer)),
      ),
    };
  };
  const cpuMsPer = (side: Measured<unknown>[]) => {
    const measuredBudgets = budgets(side);
    return measuredBudgets.length === 0 ? null : median(measuredBudgets.map((budget) => budget.cpuMsPer));
  };
  return figure(`${prefix}_machine_cpu_ms_per_withdrawal`, cpuMsPer(runs.app), 'ms', {
    ceiling: cpuMsPer(runs.db),
    detail: {
      note:
        'CPU time of the whole machine (/proc/stat: user, nice, system, interrupts) per successful request ' +
        'during the run, load generator included; rateBoundWithoutLoadGenerator = cores x 1000 / (that minus ' +
        "the load generator's own ms); ceiling: per sysbench UPDATE",
      cores,
      bankApp: describe(runs.app),
      keyedHttpFloor: describe(runs.keyedFloor),
      httpFloor: describe(runs.floor),
      sysbench: describe(runs.db),
    },
  });
}

function throughputFigures(prefix: string, name: string, runs: ThroughputRuns, goal?: string): Figure[] {
  const appRate = rateOf(runs.app);
  const dbRate = medianOf(runs.db, (run) => run.result.perSecond);
  const latency = (pick: (run: Measured<LoadResult>) => number) => medianOf(runs.app, pick);
  const non2xx = runs.app.reduce(
    (sum, run) => sum + run.result.non2xx + run.result.errors + run.result.timeouts,
    0,
  );
  return [
    figure(name, appRate, 'req/s', {
      ceiling: dbRate,
      goal,
      met: goal ? (_value, ratio) => ratio !== null && ratio >= 0.5 : undefined,
      detail: {
        perRepetition: runs.app.map((run) => run.result.perSecond),
        ceilingPerRepetition: runs.db.map((run) => run.result.perSecond),
        statusCodes: runs.app.map((run) => run.result.statusCodes),
        ...(runs.floor.length > 0
          ? {
              ratioToHttpFloor: round(appRate / rateOf(runs.floor), 3),
              ratioToKeyedHttpFloor: round(appRate / rateOf(runs.keyedFloor), 3),
            }
          : {}),
      },
    }),
    ...(runs.floor.length > 0
      ? [
          floorFigure(
            `${prefix}_http_floor`,
            runs.floor,
            dbRate,
            'http-floor-server.cjs under the same load without keys: node:http, one autocommit UPDATE, no ' +
              'validation; what any HTTP service on this machine can reach (ratio: to sysbench)',
          ),
          floorFigure(
            `${prefix}_keyed_http_floor`,
            runs.keyedFloor,
            dbRate,
            'http-floor-server.cjs with a key on every request: the key record INSERT and the UPDATE in one ' +
              'transaction, one round trip, nothing else; what a keyed withdrawal can reach at most (ratio: to sysbench)',
          ),
        ]
      : []),
    figure(
      `${prefix}_p50_ms`,
      latency((run) => run.result.latency.p50),
      'ms',
    ),
    figure(
      `${prefix}_p95_ms`,
      latency((run) => run.result.latency.p95),
      'ms',
    ),
    figure(
      `${prefix}_p99_ms`,
      latency((run) => run.result.latency.p99),
      'ms',
      {
        ceiling: medianOf(runs.db, (run) => run.result.p99Ms),
      },
    ),
    figure(`${prefix}_non2xx`, non2xx, 'responses', {
      goal: '= 0',
      met: (value) => value === 0,
      detail: { note: 'non-2xx responses plus connection errors and timeouts, summed over the repetitions' },
    }),
    figure(
      `${prefix}_db_statements_per_withdrawal`,
      medianOf(runs.app, (run) => run.statementsPer),
      'statements',
      {
        ceiling: medianOf(runs.db, (run) => run.statementsPer),
        detail: {
          note: 'server Questions per successful withdrawal during the run; ceiling: per sysbench UPDATE',
        },
      },
    ),
    figure(
      `${prefix}_db_cpu_ms_per_withdrawal`,
      medianOf(runs.app, (run) => run.dbCpuMsPer ?? Number.NaN),
      'ms',
      {
        ceiling: medianOf(runs.db, (run) => run.dbCpuMsPer ?? Number.NaN),
        detail: {
          note: "mariadbd's CPU time (user + system, /proc) per successful withdrawal during the run; ceiling: per sysbench UPDATE",
          httpFloor:
            runs.floor.length > 0 ? medianOf(runs.floor, (run) => run.dbCpuMsPer ?? Number.NaN) : null,
          keyedHttpFloor:
            runs.keyedFloor.length > 0
              ? medianOf(runs.keyedFloor, (run) => run.dbCpuMsPer ?? Number.NaN)
              : null,
        },
      },
    ),
    figure(
      `${prefix}_commits_per_fsync`,
      medianOf(runs.app, (run) => run.commitsPerGroup),
      'commits',
      {
        ceiling: medianOf(runs.db, (run) => run.commitsPerGroup),
        detail: { note: 'Binlog_commits / Binlog_group_commits during the run (group commit batching)' },
      },
    ),
    machineCpuFigure(prefix, runs),
    gcFigure(`${prefix}_app_gc_ms_per_s`, runs.app),
  ];
}

export async function commandBenchmarks(db: Pool, app: BenchApp): Promise<Figure[]> {
  const load: WithdrawalLoad = { baseUrl: app.url, cards: benchCards };
  say('warm-up', `${benchConfig.warmupSeconds} s at concurrency 32 (not measured)`);
  await maxRateLoad(load, 32, benchConfig.warmupSeconds);

  const figures: Figure[] = [];
  let c32Rate = 0;
  const floor = await startApp('http-floor', {
    projector: false,
    entry: path.join(__dirname, 'http-floor-server.cjs'),
    port: benchConfig.appPort + 1,
    // bank-app knows these from its own defaults; the floor server is told them.
    env: { DB_NAME: database.name, DB_USER: database.app.user, DB_PASSWORD: database.app.password },
  });
  for (const connections of benchConfig.concurrencies) {
    const runs = await throughputPair(db, app, `c${connections}`, connections, load, {
      profile: benchConfig.profile && connections === 32,
      floor, // stopped below, or by main's stopAllApps if a run fails
    });
    figures.push(
      ...throughputFigures(
        `command_c${connections}`,
        `command_throughput_c${connections}`,
        runs,
        connections === 32 ? '>= 0.5 x ceiling' : undefined,
      ),
    );
    if (connections === 32) c32Rate = rateOf(runs.app);
  }

  // Half load: open-loop at half of the measured maximum, against sysbench's own open loop at that rate
  // and the keyed HTTP floor at that rate (what the least keyed HTTP service's tail is on this machine).
  const rate = Math.max(1, Math.round(c32Rate / 2));
  const steady: Measured<LoadResult>[] = [];
  const steadyDb: Measured<SysbenchResult>[] = [];
  const steadyFloor: Measured<LoadResult>[] = [];
  for (let repetition = 1; repetition <= benchConfig.repetitions; repetition += 1) {
    const ceiling = await sysbenchRun(db, {
      threads: 32,
      seconds: benchConfig.runSeconds,
      rampSeconds: benchConfig.rampSeconds,
      rate,
      tag: 'sb-half',
    });
    say('half load', describeSysbench(`#${repetition} sysbench --rate=${rate}`, ceiling));
    steadyDb.push(ceiling);
    const floorRun = await appRun(
      db,
      () =>
        steadyRateLoad({ ...load, baseUrl: floor.url, keyed: true }, rate, benchConfig.runSeconds, {
          rampSeconds: benchConfig.rampSeconds,
        }),
      { app: floor, readGc: false },
    );
    say('half load', describeApp(`#${repetition} HTTP floor, keyed, at ${rate}/s`, floorRun));
    steadyFloor.push(floorRun);
    const run = await appRun(
      db,
      () => steadyRateLoad(load, rate, benchConfig.runSeconds, { rampSeconds: benchConfig.rampSeconds }),
      { app, readGc: true },
    );
    say('half load', describeApp(`#${repetition} bank-app at ${rate}/s`, run));
    steady.push(run);
  }
  await stopApp(floor);
  figures.push(
    figure(
      'command_p99_half_load_ms',
      medianOf(steady, (run) => run.result.latency.p99),
      'ms',
      {
        ceiling: medianOf(steadyDb, (run) => run.result.p99Ms),
        goal: '< 25 ms',
        met: (value) => value < 25,
        detail: {
          targetRate: rate,
          achievedRate: steady.map((run) => run.result.perSecond),
          p50: steady.map((run) => run.result.latency.p50),
          p95: steady.map((run) => run.result.latency.p95),
          p99: steady.map((run) => run.result.latency.p99),
          rampSeconds: benchConfig.rampSeconds,
          rampP99: steady.map((run) => run.result.ramp?.latency.p99 ?? null),
          loadGeneratorLoopLateP99: steady.map((run) => run.result.generatorLoopDelay.p99),
          loadGeneratorLoopLateMax: steady.map((run) => run.result.generatorLoopDelay.max),
          non2xx: steady.reduce((sum, run) => sum + run.result.non2xx + run.result.errors, 0),
          ceilingP99: steadyDb.map((run) => run.result.p99Ms),
          otherComponentsCores: steady.map((run) => run.others),
          otherComponentsCoresDuringCeiling: steadyDb.map((run) => run.others),
          machine: steady.map((run) => run.machine),
          machineDuringCeiling: steadyDb.map((run) => run.machine),
          method:
            `the load runs ${benchConfig.rampSeconds} s before the measured ${benchConfig.runSeconds} s, on every side; ` +
            'only requests sent after that ramp are measured (rampP99: those sent during it)',
          ceilingMethod:
            `sysbench --rate=${rate} --threads=32 (open loop, exponential arrivals), its 99th percentile ` +
            `after --report-checkpoints=${benchConfig.rampSeconds}`,
        },
      },
    ),
    figure(
      'command_p99_half_load_keyed_http_floor_ms',
      medianOf(steadyFloor, (run) => run.result.latency.p99),
      'ms',
      {
        ceiling: medianOf(steadyDb, (run) => run.result.p99Ms),
        detail: {
          note:
            'http-floor-server.cjs with a key on every request, open loop at the same rate as bank-app, ' +
            "in the same repetitions: the tail of the least keyed HTTP service on this machine at bank-app's half load",
          targetRate: rate,
          achievedRate: steadyFloor.map((run) => run.result.perSecond),
          p50: steadyFloor.map((run) => run.result.latency.p50),
          p99: steadyFloor.map((run) => run.result.latency.p99),
          rampP99: steadyFloor.map((run) => run.result.ramp?.latency.p99 ?? null),
          non2xx: steadyFloor.reduce((sum, run) => sum + run.result.non2xx + run.result.errors, 0),
          machine: steadyFloor.map((run) => run.machine),
        },
      },
    ),
    gcFigure('command_half_load_app_gc_ms_per_s', steady),
  );

  const hot = await throughputPair(
    db,
    app,
    'hot card',
    benchConfig.hotConcurrency,
    { baseUrl: app.url, cards: [benchConfig.hotCard] },
    { hotCard: benchConfig.hotCard },
  );
  figures.push(...throughputFigures('hot_card', 'hot_card_throughput', hot, '>= 0.5 x ceiling (as c32)'));
  figures.push(
    figure(
      'hot_card_throughput_vs_pool_size_ceiling',
      medianOf(hot.app, (run) => run.result.perSecond),
      'req/s',
      {
        ceiling: medianOf(hot.dbAtPoolSize, (run) => run.result.perSecond),
        detail: {
          note: `ceiling: sysbench on the hot card with --threads=${benchConfig.dbPoolSize} (DB_POOL_SIZE), the app's own concurrency in the database`,
          ceilingPerRepetition: hot.dbAtPoolSize.map((run) => run.result.perSecond),
        },
      },
    ),
  );
  return figures;
}
