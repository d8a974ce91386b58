// Latency distributions as HDR histograms (microsecond resolution, 3 significant digits), and the
// median of repetitions.
import * as hdr from 'hdr-histogram-js';

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Collects latencies in milliseconds (fractional) and answers percentiles in milliseconds. */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000, // one hour, in microseconds
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  record(milliseconds: number): void {
    // Clamped to 1 µs: a clock step can never make a sample negative or drop it.
    this.histogram.recordValue(Math.max(1, Math.round(milliseconds * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  percentiles(): Percentiles {
    const at = (p: number) => round(this.histogram.getValueAtPercentile(p) / 1000, 2);
    return {
      count: this.histogram.totalCount,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: round(this.histogram.maxValue / 1000, 2),
    };
  }
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
