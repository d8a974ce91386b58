// What one `npm run bench` measures and for how long. BENCH_QUICK=1 gives a short smoke run (seconds per
// figure, a small backlog) for development on a busy machine; the full run is what the README reports.
// Every value can be overridden by the variable named beside it.

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer (got "${raw}")`);
  return value;
}

export const quick = process.env.BENCH_QUICK === '1';

export const benchConfig = {
  quick,
  /** Repetitions of every measurement; the reported figure is the median. */
  repetitions: intFromEnv('BENCH_REPETITIONS', quick ? 1 : 3),
  /** Seconds of each throughput run (autocannon and sysbench alike). */
  runSeconds: intFromEnv('BENCH_RUN_SECONDS', quick ? 3 : 12),
  /**
   * Seconds each steady-rate (half-load) run sends its load before the measured runSeconds begin:
   * starting the load generator's 32 instances is not the steady state (docs/benchmarks.md).
   */
  rampSeconds: intFromEnv('BENCH_RAMP_SECONDS', quick ? 2 : 3),
  /** Seconds of the unmeasured warm-up of a fresh bank-app process (JIT, pool, Fastify routes). */
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', quick ? 2 : 5),
  /** Seconds of each steady-rate freshness run (docs/benchmarks.md: at least 60 s). */
  freshnessSeconds: intFromEnv('BENCH_FRESHNESS_SECONDS', quick ? 10 : 60),
  freshnessRate: intFromEnv('BENCH_FRESHNESS_RATE', 50),
  freshnessRepetitions: intFromEnv('BENCH_FRESHNESS_REPETITIONS', quick ? 1 : 3),
  /** Change events `debit_card` must hold before the projection benchmark (docs/benchmarks.md). */
  backlogEvents: intFromEnv('BENCH_BACKLOG_EVENTS', quick ? 5_000 : 100_000),
  projectionRepetitions: intFromEnv('BENCH_PROJECTION_REPETITIONS', quick ? 1 : 3),
  cards: 1000,
  cardPrefix: 'bench-',
  hotCard: 'bench-hot',
  /** Huge, so that no benchmark ever runs a card dry (the largest limit the API accepts). */
  cardLimit: '1000000000000.00',
  amount: '0.01',
  concurrencies: [8, 32] as const,
  hotConcurrency: 32,
  /** The bench's own bank-app processes listen here (clear of 8080 and of a second stack's 18xxx). */
  appPort: intFromEnv('BENCH_APP_PORT', 18300),
  /** bank-app's DB_POOL_SIZE for the bench processes (the app's default). */
  dbPoolSize: intFromEnv('DB_POOL_SIZE', 16),
  /** BENCH_PROFILE=1: CPU-profile the bench's bank-app during the c32 runs (test-output/bench/). */
  profile: process.env.BENCH_PROFILE === '1',
  note: process.env.BENCH_NOTE ?? '',
  /** BENCH_ONLY=command,freshness,projection: run only these sections (the others are reported as skipped). */
  only: process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((name) => name.trim()) : undefined,
};

export type BenchConfig = typeof benchConfig;
