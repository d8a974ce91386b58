// The README's benchmark table, generated from bench/results/latest.json (the figures of record) so that
// the README can never disagree with the result file. `npm run bench:table` rewrites the block between
// the two markers; a full `npm run bench` does it right after it writes latest.json; readme-table.spec.ts
// fails when the block was edited by hand or latest.json changed without it.
import fs from 'node:fs';
import path from 'node:path';
import type { Figure } from './report';

export const TABLE_START = '<!-- bench-table:start -->';
export const TABLE_END = '<!-- bench-table:end -->';

const repoRoot = path.resolve(__dirname, '..', '..');
export const LATEST_RESULTS = path.join(repoRoot, 'bench', 'results', 'latest.json');
export const README = path.join(repoRoot, 'README.md');

/** The parts of latest.json the table shows. */
export interface BenchResults {
  commit: string;
  dirty?: boolean;
  date: string;
  machine?: { cores?: number; memoryGb?: number; cpuModel?: string; os?: string };
  settings?: { repetitions?: number; runSeconds?: number };
  failures?: string[];
  results: Figure[];
}

interface Headline {
  name: string;
  /** The figure in words. */
  label: string;
  /** The ceiling's unit and what it is; the figure's own unit when absent. */
  ceiling?: string;
}

/** The headline figures, in the README's order; a figure the file does not have gets no row. */
export const HEADLINES: readonly Headline[] = [
  {
    name: 'command_throughput_c32',
    label: 'command throughput, 32 connections, every request with an Idempotency-Key',
    ceiling: 'UPDATE/s (sysbench)',
  },
  {
    name: 'command_throughput_c8',
    label: 'command throughput, 8 connections',
    ceiling: 'UPDATE/s (sysbench)',
  },
  {
    name: 'command_p99_half_load_ms',
    label: 'command p99 at a steady half of the 32-connection rate',
    ceiling: 'ms (sysbench at that rate)',
  },
  {
    name: 'hot_card_throughput',
    label: 'hot card: 32 connections on one card',
    ceiling: 'UPDATE/s (sysbench on that row)',
  },
  {
    name: 'freshness_read_model_p99_ms',
    label: 'commit → read model, p99 at 50 withdrawals/s',
    ceiling: 'ms (the CDC hop alone)',
  },
  {
    name: 'freshness_druid_p99_ms',
    label: '`ministatement` → Druid SQL, p99',
    ceiling: 'ms (a bare read_committed consumer)',
  },
  {
    name: 'freshness_read_model_p99_half_load_ms',
    label: 'commit → read model, p99 at half load',
  },
  {
    name: 'freshness_commit_to_druid_p99_half_load_ms',
    label: 'commit → Druid SQL, p99 at half load',
  },
  {
    name: 'projection_throughput',
    label: 'projection: rebuild of the whole change log',
    ceiling: 'events/s (a bare kafkajs consumer)',
  },
  { name: 'stack_idle_rss_mib', label: 'resident memory of the idle stack and bank-app' },
];

/** Thousands separators on an integer's digits: 36550 → "36,550". */
function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Three significant figures or so, without trailing zeros: 2792.4 → "2,792", 93.82 → "93.8", 6.9 → "6.9". */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) {
    const rounded = Math.round(value);
    return `${rounded < 0 ? '-' : ''}${grouped(String(Math.abs(rounded)))}`;
  }
  const fixed = value.toFixed(abs >= 10 ? 1 : 2);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** The result file's ASCII goal, typeset: ">= 0.5 x ceiling" → "≥ 0.5 × ceiling", 5000 → "5,000". */
export function formatGoal(goal: string): string {
  return goal
    .replace(/>=/g, '≥')
    .replace(/<=/g, '≤')
    .replace(/ x /g, ' × ')
    .replace(/\d{4,}/g, grouped);
}

function row(headline: Headline, figure: Figure): string {
  const value = figure.value === null ? 'not measured' : `${formatNumber(figure.value)} ${figure.unit}`;
  const ceiling =
    figure.ceiling === null ? '-' : `${formatNumber(figure.ceiling)} ${headline.ceiling ?? figure.unit}`;
  const ratio = figure.ratio === null ? '-' : figure.ratio.toFixed(2);
  const goal = figure.goal === null ? '-' : formatGoal(figure.goal);
  const met = figure.met === null ? '-' : figure.met ? 'yes' : 'no';
  return `| ${[headline.label, value, ceiling, ratio, goal, met].join(' | ')} |`;
}

/** "2026-12-03T10:28:33.261Z" → "2026-12-03 10:28 UTC". */
function formatDate(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match === null ? iso : `${match[1]} ${match[2]} UTC`;
}

function runLine(results: BenchResults): string {
  const { machine = {}, settings = {} } = results;
  const hardware = [
    machine.cores === undefined ? undefined : `${machine.cores} cores`,
    machine.memoryGb === undefined ? undefined : `${machine.memoryGb} GB`,
    machine.cpuModel,
    machine.os,
  ].filter((part): part is string => part !== undefined && part !== '');
  const commit = `\`${results.commit.slice(0, 7)}\`${results.dirty ? ' (with uncommitted changes)' : ''}`;
  const repetitions =
    settings.repetitions === undefined
      ? ''
      : `; medians of ${settings.repetitions} repetitions` +
        (settings.runSeconds === undefined ? '' : ` of ${settings.runSeconds} s`);
  const failed =
    results.failures && results.failures.length > 0
      ? ` Sections that failed: ${results.failures.map((failure) => failure.split(':')[0]).join(', ')}.`
      : '';
  return `Run of ${formatDate(results.date)}, commit ${commit}, on ${hardware.join(', ')}${repetitions}.${failed}`;
}

/** The markdown between the markers: the headline rows and the run they come from. Pure. */
export function renderBenchTable(results: BenchResults): string {
  const rows = HEADLINES.flatMap((headline) => {
    const figure = results.results.find((candidate) => candidate.name === headline.name);
    return figure === undefined ? [] : [row(headline, figure)];
  });
  return [
    '<!-- generated from bench/results/latest.json by `npm run bench:table`: edit that, not this -->',
    '| figure | value | ceiling | ratio | goal | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
    '',
    runLine(results),
  ].join('\n');
}

function blockBounds(readme: string): { start: number; end: number } {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} block for the benchmark table`);
  }
  return { start: start + TABLE_START.length, end };
}

/** What the README holds between the markers now (without the line breaks next to them). */
export function currentBenchTable(readme: string): string {
  const { start, end } = blockBounds(readme);
  return readme.slice(start, end).replace(/^\n/, '').replace(/\n$/, '');
}

/** The README with the block between the markers replaced by the table of `results`. Pure. */
export function withBenchTable(readme: string, results: BenchResults): string {
  const { start, end } = blockBounds(readme);
  return `${readme.slice(0, start)}\n${renderBenchTable(results)}\n${readme.slice(end)}`;
}

/** Regenerates the README's table from latest.json; returns the README's path relative to the root. */
export function writeReadmeTable(resultsFile = LATEST_RESULTS, readmeFile = README): string {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as BenchResults;
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const updated = withBenchTable(readme, results);
  if (updated !== readme) fs.writeFileSync(readmeFile, updated);
  return path.relative(repoRoot, readmeFile);
}

if (require.main === module) {
  console.log(`benchmark table written to ${writeReadmeTable()}`);
}
