// The result file (its shape is in docs/benchmarks.md) and the table printed at the end of a run.
import fs from 'node:fs';
import path from 'node:path';
import { table } from '../../stack/src/output';
import { repoRoot } from '../../stack/src/settings';

/** One figure: its value, its ceiling measured in the same run, their ratio, the goal and whether it is met. */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  ceiling: number | null;
  ratio: number | null;
  goal: string | null;
  met: boolean | null;
  /** How the figure and its ceiling were obtained, per-repetition values, or why it was skipped. */
  detail?: Record<string, unknown>;
}

export function figure(
  name: string,
  value: number | null,
  unit: string,
  options: {
    ceiling?: number | null;
    goal?: string;
    met?: (value: number, ratio: number | null) => boolean;
    detail?: Record<string, unknown>;
  } = {},
): Figure {
  const ceiling = options.ceiling ?? null;
  const ratio = value !== null && ceiling ? Math.round((value / ceiling) * 1000) / 1000 : null;
  return {
    name,
    value,
    unit,
    ceiling,
    ratio,
    goal: options.goal ?? null,
    met: options.met && value !== null ? options.met(value, ratio) : null,
    ...(options.detail ? { detail: options.detail } : {}),
  };
}

export const resultsDir = path.join(repoRoot, 'bench', 'results');

/**
 * Writes the dated file and, for a full run only, bench/results/latest.json (a quick or partial run must
 * not replace the figures of record); returns the paths written.
 */
export function writeResults(result: { date: string } & Record<string, unknown>, fullRun: boolean): string[] {
  fs.mkdirSync(resultsDir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const dated = path.join(resultsDir, `${result.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  const files = fullRun ? [dated, path.join(resultsDir, 'latest.json')] : [dated];
  // Written aside and renamed: a run stopped half-way never leaves half a latest.json.
  for (const file of files) {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  }
  return files.map((file) => path.relative(repoRoot, file));
}

function show(value: number | null): string {
  if (value === null) return '-';
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(Math.round(value * 100) / 100);
}

export function resultsTable(figures: Figure[]): string {
  return table(
    ['figure', 'value', 'unit', 'ceiling', 'ratio', 'goal', 'met'],
    figures.map((f) => [
      f.name,
      show(f.value),
      f.unit,
      show(f.ceiling),
      f.ratio === null ? '-' : f.ratio.toFixed(2),
      f.goal ?? '-',
      f.met === null ? '-' : f.met ? 'yes' : 'NO',
    ]),
  );
}
