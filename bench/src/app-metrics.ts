// bank-app's garbage collection during a run, read from its own /metrics (prom-client's default
// nodejs_gc_duration_seconds histogram) before and after. A request that arrives during a pause waits
// for it, so the pauses show up in the latency tail: the figures say how much of it is the collector.
import { round } from './stats';

export interface GcTotals {
  /** Seconds paused, all kinds of collection. */
  seconds: number;
  /** Young-generation collections (scavenges): how many, and their seconds. */
  minorCount: number;
  minorSeconds: number;
}

/** Reads the totals from a Prometheus text exposition. */
export function gcTotalsFrom(metrics: string): GcTotals {
  const totals: GcTotals = { seconds: 0, minorCount: 0, minorSeconds: 0 };
  for (const line of metrics.split('\n')) {
    const match = /^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)$/.exec(line);
    if (!match) continue;
    const [, field, kind, raw] = match;
    const value = Number(raw);
    if (field === 'sum') totals.seconds += value;
    if (kind === 'minor' && field === 'sum') totals.minorSeconds += value;
    if (kind === 'minor' && field === 'count') totals.minorCount += value;
  }
  return totals;
}

export async function gcTotals(appUrl: string): Promise<GcTotals> {
  const response = await fetch(`${appUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${appUrl}/metrics answered ${response.status}`);
  return gcTotalsFrom(await response.text());
}

export interface GcDuringRun {
  /** Milliseconds paused per second of the run. */
  msPerSecond: number;
  /** The mean pause of one young-generation collection, in milliseconds. */
  meanMinorPauseMs: number;
}

export function gcDuringRun(before: GcTotals, after: GcTotals, seconds: number): GcDuringRun {
  const minorCount = after.minorCount - before.minorCount;
  return {
    msPerSecond: round(((after.seconds - before.seconds) * 1000) / seconds, 2),
    meanMinorPauseMs:
      minorCount > 0 ? round(((after.minorSeconds - before.minorSeconds) * 1000) / minorCount, 2) : 0,
  };
}
