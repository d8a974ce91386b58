// HTTP load with autocannon (programmatic API): POST /moneywithdrawals with a unique Idempotency-Key on
// every request (unless told otherwise) and a card drawn per request. Latency comes from autocannon's
// per-response timings, recorded into an HDR histogram of our own (microsecond resolution, p95
// included); autocannon's own latency histogram has 1 ms resolution and, in rate mode, its
// coordinated-omission correction with a 1 ms expected interval adds phantom samples, so it is not used
// for the figures.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { benchConfig } from './config';
import { sleep, within } from './log';
import { LatencyHistogram, round, type Percentiles } from './stats';

export interface LoadResult {
  /** 2xx responses per second over the measured window. */
  perSecond: number;
  /** 2xx responses to the requests sent in the measured window (what the latency is of). */
  ok: number;
  /**
   * 2xx responses over the whole run, ramp included: what the run's CPU and statement counts, read
   * around the whole run, are divided by. The same as `ok` when there is no ramp.
   */
  answered: number;
  /** Non-2xx responses, errors and timeouts are counted over the whole run, ramp included. */
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  latency: Percentiles;
  /**
   * How late the load generator's own event loop ran during the run (ms). autocannon times each
   * response on this loop, so a late loop adds to every latency it measures at that moment: this says
   * how much of a tail may be the generator's rather than the server's.
   */
  generatorLoopDelay: { p99: number; max: number };
  statusCodes: Record<string, number>;
  /** A steady-rate run's ramp (sent, not measured): its length and its own latency, for the record. */
  ramp?: { seconds: number; latency: Percentiles };
}

export interface WithdrawalLoad {
  baseUrl: string;
  /** Cards to draw from, uniformly at random per request. */
  cards: readonly string[];
  /** Prefix of the X-Request-Id of each request, so its statement line can be found afterwards. */
  requestIdPrefix?: string;
  /** Send a unique Idempotency-Key with every request (the default; the unkeyed HTTP floor sends none). */
  keyed?: boolean;
}

function withdrawalRequests(load: WithdrawalLoad): autocannon.Request[] {
  const run = randomUUID().slice(0, 8);
  let sequence = 0;
  const body = (card: string) => JSON.stringify({ debitCard: card, amount: benchConfig.amount });
  return [
    {
      method: 'POST',
      path: '/moneywithdrawals',
      setupRequest: (request) => {
        sequence += 1;
        const card = load.cards[Math.floor(Math.random() * load.cards.length)];
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (load.keyed !== false) headers['idempotency-key'] = `bench-${run}-${sequence}`;
        if (load.requestIdPrefix) headers['x-request-id'] = `${load.requestIdPrefix}-${sequence}`;
        return { ...request, headers, body: body(card) };
      },
    },
  ];
}

/** The delay monitor's timer interval; each sample it records is this interval plus the lateness. */
const LOOP_DELAY_RESOLUTION_MS = 2;

function lateBy(sampleNs: number): number {
  return round(Math.max(0, sampleNs / 1e6 - LOOP_DELAY_RESOLUTION_MS), 2);
}

interface Instance {
  options: Omit<autocannon.Options, 'url'>;
  startDelayMs: number;
}

/**
 * Runs autocannon instances (each may start later) and merges their results into one. With a ramp,
 * the instances run `rampSeconds` longer, and only the requests sent after the ramp, within the
 * following `seconds`, are measured.
 */
async function runInstances(
  load: WithdrawalLoad,
  instances: Instance[],
  seconds: number,
  rampSeconds = 0,
): Promise<LoadResult> {
  const histogram = new LatencyHistogram();
  const rampHistogram = new LatencyHistogram();
  const statusCodes: Record<string, number> = {};
  const requests = withdrawalRequests(load);
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const started = performance.now();
  const windowStart = started + rampSeconds * 1000;
  const windowEnd = windowStart + seconds * 1000;
  // The generator's loop is judged over the measured window only.
  const rampOver = setTimeout(() => loopDelay.reset(), rampSeconds * 1000);
  let answered = 0;
  const results = await within(
    Promise.all(
      instances.map(async ({ options, startDelayMs }) => {
        await sleep(startDelayMs);
        return new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon(
            { duration: rampSeconds + seconds, timeout: 10, requests, ...options, url: load.baseUrl },
            (error, result) => (error ? reject(error as Error) : resolve(result)),
          );
          instance.on('response', (_client, statusCode, _bytes, responseTime) => {
            const ok = statusCode >= 200 && statusCode < 300;
            if (ok) answered += 1;
            if (rampSeconds > 0) {
              const sentAt = performance.now() - responseTime;
              if (sentAt < windowStart) {
                if (ok) rampHistogram.record(responseTime);
                return;
              }
              if (sentAt >= windowEnd) return;
            }
            statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
            if (ok) histogram.record(responseTime);
          });
        });
      }),
    ),
    (rampSeconds + seconds + 60) * 1000,
    'autocannon run',
  ).finally(() => {
    clearTimeout(rampOver);
    loopDelay.disable();
  });
  const ok = histogram.count;
  return {
    // Each instance runs its full time (staggered ones end later), so the window is always covered.
    perSecond: round(ok / seconds, 1),
    ok,
    answered,
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    timeouts: results.reduce((sum, result) => sum + result.timeouts, 0),
    seconds: round((performance.now() - started) / 1000, 2),
    latency: histogram.percentiles(),
    generatorLoopDelay: { p99: lateBy(loopDelay.percentile(99)), max: lateBy(loopDelay.max) },
    statusCodes,
    ...(rampSeconds > 0 ? { ramp: { seconds: rampSeconds, latency: rampHistogram.percentiles() } } : {}),
  };
}

/** Closed loop: `connections` clients each send the next request as soon as the previous one answers. */
export function maxRateLoad(load: WithdrawalLoad, connections: number, seconds: number): Promise<LoadResult> {
  return runInstances(load, [{ options: { connections }, startDelayMs: 0 }], seconds);
}

/**
 * A steady `rate` per second. autocannon's overallRate lets each connection send its per-second quota
 * back to back on a 1 s tick, and all connections of one instance tick together: one instance would
 * send bursts. So the rate is split over `spread` one-connection instances whose ticks are staggered
 * evenly across the second, which approximates evenly spaced arrivals.
 *
 * `rampSeconds`: the load runs that long before the measured `seconds` begin. Starting 32 instances
 * (and their connections) takes the generator's CPU on the cores the server shares, and the first
 * seconds of a run showed a tail that the rest of it did not have (docs/benchmarks.md).
 */
export function steadyRateLoad(
  load: WithdrawalLoad,
  rate: number,
  seconds: number,
  { spread = 32, rampSeconds = 0 }: { spread?: number; rampSeconds?: number } = {},
): Promise<LoadResult> {
  const parts = Math.max(1, Math.min(spread, Math.floor(rate)));
  const instances: Instance[] = [];
  for (let index = 0; index < parts; index += 1) {
    const share = Math.floor(rate / parts) + (index < rate % parts ? 1 : 0);
    instances.push({
      options: { connections: 1, overallRate: share },
      startDelayMs: Math.round((index * 1000) / parts),
    });
  }
  return runInstances(load, instances, seconds, rampSeconds);
}
