// The README's benchmark table is generated: it must equal what readme-table.ts makes of the committed
// bench/results/latest.json. A hand edit of the table, or a latest.json committed without
// `npm run bench:table`, fails here. Reads two files, writes none.
import fs from 'node:fs';
import {
  type BenchResults,
  currentBenchTable,
  formatGoal,
  formatNumber,
  LATEST_RESULTS,
  README,
  renderBenchTable,
  TABLE_END,
  TABLE_START,
  withBenchTable,
} from './readme-table';

const latest = JSON.parse(fs.readFileSync(LATEST_RESULTS, 'utf8')) as BenchResults;
const readme = fs.readFileSync(README, 'utf8');

describe("the README's benchmark table", () => {
  it('is what `npm run bench:table` generates from bench/results/latest.json', () => {
    expect(currentBenchTable(readme)).toBe(renderBenchTable(latest));
  });

  it('has a row for every headline figure of the run', () => {
    const table = renderBenchTable(latest);
    for (const name of ['command_throughput_c32', 'hot_card_throughput', 'projection_throughput']) {
      const figure = latest.results.find((candidate) => candidate.name === name);
      expect(figure).toBeDefined();
      if (figure?.value != null) expect(table).toContain(`${formatNumber(figure.value)} ${figure.unit}`);
    }
    expect(table).toContain(latest.commit.slice(0, 7));
  });
});

describe('readme-table', () => {
  const run: BenchResults = {
    commit: '0123456789abcdef',
    date: '2026-01-02T03:04:05.678Z',
    machine: { cores: 4, memoryGb: 8 },
    settings: { repetitions: 3, runSeconds: 12 },
    results: [
      {
        name: 'command_throughput_c32',
        value: 2792.4,
        unit: 'req/s',
        ceiling: 4327.6,
        ratio: 0.645,
        goal: '>= 0.5 x ceiling',
        met: true,
      },
      {
        name: 'freshness_druid_p99_ms',
        value: null,
        unit: 'ms',
        ceiling: null,
        ratio: null,
        goal: '<= 3000 ms',
        met: null,
      },
      { name: 'not_a_headline', value: 1, unit: 'x', ceiling: null, ratio: null, goal: null, met: null },
    ],
  };

  it('writes one row per headline figure present, and the run it comes from', () => {
    const table = renderBenchTable(run);
    expect(table).toContain(
      '| command throughput, 32 connections, every request with an Idempotency-Key | 2,792 req/s | ' +
        '4,328 UPDATE/s (sysbench) | 0.65 | ≥ 0.5 × ceiling | yes |',
    );
    expect(table).toContain('| `ministatement` → Druid SQL, p99 | not measured | - | - | ≤ 3,000 ms | - |');
    expect(table).not.toContain('not_a_headline');
    expect(table).toContain(
      'Run of 2026-01-02 03:04 UTC, commit `0123456`, on 4 cores, 8 GB; medians of 3 repetitions of 12 s.',
    );
  });

  it('formats numbers and goals for reading', () => {
    expect([36550, 2792.4, 93.82, 6.9, 0.509, 10].map(formatNumber)).toEqual([
      '36,550',
      '2,792',
      '93.8',
      '6.9',
      '0.51',
      '10',
    ]);
    expect(formatGoal('>= 5000 events/s and >= 0.25 x ceiling')).toBe(
      '≥ 5,000 events/s and ≥ 0.25 × ceiling',
    );
  });

  it('replaces only the block between the markers, and again gives the same text', () => {
    const before = `# Title\n\ntext\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nmore text\n`;
    const after = withBenchTable(before, run);
    expect(after.startsWith('# Title\n\ntext\n\n')).toBe(true);
    expect(after.endsWith(`${TABLE_END}\n\nmore text\n`)).toBe(true);
    expect(currentBenchTable(after)).toBe(renderBenchTable(run));
    expect(withBenchTable(after, run)).toBe(after);
  });

  it('refuses a README without the markers', () => {
    expect(() => withBenchTable('# Title\n', run)).toThrow(TABLE_START);
  });
});
