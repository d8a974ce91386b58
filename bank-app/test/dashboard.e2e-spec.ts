// The dashboard (GET /) in a real browser: Debian's Chromium driven by playwright-core, headless. A
// withdrawal submitted through the form appears in the mini statement without a reload, every hop of
// the pipeline shows up, the Druid charts show what the API answers (axes, units, card ids, amounts,
// the values on hover), and the withdrawal can be traced. Regenerates the README's screenshot,
// docs/dashboard.png: the whole page as the user sees it after that withdrawal.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CardTotal, WithdrawalBucket } from '../src/analytics/analytics.service';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { withdraw } from './support/exactly-once';
import { waitForConnectorRunning } from './support/pipeline';
import { waitFor } from './support/wait-for';

const CHROMIUM = '/usr/bin/chromium';
const docsDir = resolve(__dirname, '..', '..', 'docs');

let testApp: TestApp;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  testApp = await startApp();
  await waitForConnectorRunning();
  profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  // A fresh profile per run (Playwright passes it to Chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 1100 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await testApp?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function hopStatuses(page: Page): Promise<Record<string, string>> {
  const items = page.locator('#hops [data-hop]');
  const statuses: Record<string, string> = {};
  for (let index = 0; index < (await items.count()); index += 1) {
    const item = items.nth(index);
    statuses[(await item.getAttribute('data-hop')) ?? '?'] = (await item.getAttribute('data-status')) ?? '?';
  }
  return statuses;
}

// ---------------------------------------------------------------- the charts, as Chart.js drew them

/** The part of Chart.js's API that the checks read (the page loads its UMD build: window.Chart). */
interface ChartJs {
  getChart(canvasId: string): ChartInstance | undefined;
}
interface ChartInstance {
  data: { labels?: unknown[]; datasets: { data: unknown[] }[] };
  scales: Record<
    string,
    { ticks: { label?: string | string[] | null }[]; options: { title: { text: string | string[] } } }
  >;
  chartArea: { left: number; right: number; top: number; bottom: number };
  getDatasetMeta(index: number): { data: { x: number; y: number }[] };
  tooltip: { title?: string[]; body?: { lines: string[] }[] } | null;
}

interface Axis {
  title: string;
  /** The tick labels drawn, in order (ticks drawn without a label left out). */
  ticks: string[];
}

interface ChartView {
  /** The category of each bar: the minute ("HH:MM") or the whole card id. */
  labels: string[];
  values: number[];
  x: Axis;
  y: Axis;
  /** Where each bar is, in CSS pixels from the canvas's top left corner. */
  bars: { x: number; y: number }[];
  area: { left: number; right: number; top: number; bottom: number };
  /** The tooltip's text (title lines, then body lines), as last shown. */
  tooltip: { title: string[]; lines: string[] };
}

async function chartView(page: Page, canvasId: string): Promise<ChartView | undefined> {
  return page.evaluate((id) => {
    const chart = (globalThis as unknown as { Chart?: ChartJs }).Chart?.getChart(id);
    if (chart === undefined) return undefined;
    const text = (value: string | string[] | null | undefined): string => [value ?? ''].flat().join(' ');
    const axis = (name: string): Axis => {
      const scale = chart.scales[name];
      return {
        title: text(scale?.options.title.text),
        ticks: (scale?.ticks ?? []).map((tick) => text(tick.label)).filter((label) => label !== ''),
      };
    };
    const { left, right, top, bottom } = chart.chartArea;
    return {
      labels: (chart.data.labels ?? []).map(String),
      values: (chart.data.datasets[0]?.data ?? []).map(Number),
      x: axis('x'),
      y: axis('y'),
      bars: chart.getDatasetMeta(0).data.map(({ x, y }) => ({ x, y })),
      area: { left, right, top, bottom },
      tooltip: {
        title: chart.tooltip?.title ?? [],
        lines: (chart.tooltip?.body ?? []).flatMap((part) => part.lines),
      },
    };
  }, canvasId);
}

/**
 * Moves the mouse over a point of the canvas (through another point first, so that Chart.js sees a
 * move) and waits until the chart's tooltip says `expected`.
 */
async function hover(
  page: Page,
  canvasId: string,
  point: { x: number; y: number },
  expected: { title: string[]; lines: string[] },
): Promise<void> {
  const box = await page.locator(`#${canvasId}`).boundingBox();
  if (box === null) throw new Error(`#${canvasId} is not visible`);
  await page.mouse.move(box.x + 1, box.y + 1);
  await page.mouse.move(box.x + point.x, box.y + point.y, { steps: 5 });
  await waitFor(
    async () => {
      const tooltip = (await chartView(page, canvasId))?.tooltip;
      return JSON.stringify(tooltip) === JSON.stringify(expected) ? tooltip : undefined;
    },
    { description: `the tooltip of #${canvasId} to read ${JSON.stringify(expected)}`, timeoutMs: 15_000 },
  );
}

/** An API amount ("1234.50", always two fraction digits) as the page must show it: "1,234.50". */
function money(amount: string): string {
  const [whole, fraction] = amount.split('.');
  return `${BigInt(whole ?? '').toLocaleString('en-US')}.${fraction ?? ''}`;
}

const withdrawalCount = (count: number): string =>
  `${count.toLocaleString('en-US')} withdrawal${count === 1 ? '' : 's'}`;

/** "HH:MM" in UTC. */
const hhmm = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 16);

const INTEGER = /^\d{1,3}(,\d{3})*$/;
const AMOUNT = /^\d{1,3}(,\d{3})*\.\d{2}$/;
const MINUTE_MS = 60_000;

it('withdraws through the form, shows the line live, the hops, the charts and the trace', async () => {
  const card = await createCard(testApp, '1000.00', 'dash');
  // An earlier withdrawal on the card, so the Druid chart of the last hour certainly has a bar.
  await withdraw(testApp, card, '3.00');
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${await testApp.app.getUrl()}/`);

  await page.fill('#card', card);
  await page.fill('#amount', '12.34');
  await page.click('#withdraw');
  await page.locator('#withdraw-result', { hasText: 'accepted' }).waitFor({ timeout: 30_000 });

  // The new line (version 2) appears in the statement without reloading the page.
  await page.locator('#statement tr[data-version="2"]', { hasText: '12.34' }).waitFor({ timeout: 30_000 });

  const expectedHops = ['database', 'connector', 'debit_card', 'projector', 'ministatement', 'druid'];
  const statuses = await waitFor(
    async () => {
      const seen = await hopStatuses(page);
      return expectedHops.every((hop) => seen[hop] === 'up') ? seen : undefined;
    },
    { description: 'every hop on the page to be up', timeoutMs: 60_000, intervalMs: 500 },
  );
  expect(Object.keys(statuses).sort()).toEqual([...expectedHops].sort());

  // Withdrawals per minute: the minute of the form's withdrawal (its commit time, Druid's __time) has
  // a bar once Druid has it, and that bar says what GET /analytics/withdrawals says of the minute.
  const lines = await testApp.api().get('/moneywithdrawals').query({ debitCardId: card });
  const line = (lines.body as { version: number; transactionDate: string }[]).find((l) => l.version === 2);
  if (line === undefined) throw new Error(`no line with version 2 in ${JSON.stringify(lines.body)}`);
  const minute = Math.floor(Date.parse(line.transactionDate) / MINUTE_MS) * MINUTE_MS;
  const { minutes, bucket, index } = await waitFor(
    async () => {
      const answer = await testApp
        .api()
        .get('/analytics/withdrawals')
        .query({
          granularity: 'minute',
          from: new Date(minute).toISOString(),
          to: new Date(minute + MINUTE_MS).toISOString(),
        });
      const found = (answer.body as WithdrawalBucket[])[0];
      const view = await chartView(page, 'chart-minutes');
      const at = view?.labels.indexOf(hhmm(minute)) ?? -1;
      // The API and the chart agree on the minute's count (the page refreshes every 5 s).
      return found !== undefined && view !== undefined && at >= 0 && view.values[at] === found.count
        ? { minutes: view, bucket: found, index: at }
        : undefined;
    },
    {
      description: "the per-minute chart to show the withdrawal's minute",
      timeoutMs: 120_000,
      intervalMs: 1000,
    },
  );
  expect(minutes.labels).toHaveLength(60); // every minute of the hour, the empty ones too
  expect(minutes.y.title).toMatch(/withdrawals per minute/i);
  expect(minutes.y.ticks[0]).toBe('0');
  for (const tick of minutes.y.ticks) expect(tick).toMatch(INTEGER);
  const yValues = minutes.y.ticks.map((tick) => Number(tick.replace(/,/g, '')));
  expect(yValues).toEqual([...yValues].sort((a, b) => a - b));
  expect(Math.max(...yValues)).toBeGreaterThanOrEqual(bucket.count);
  expect(minutes.x.title).toMatch(/UTC/);
  expect(minutes.x.ticks.length).toBeGreaterThanOrEqual(5);
  for (const tick of minutes.x.ticks) expect(tick).toMatch(/^\d{2}:\d0$/); // every 10 minutes
  // Hovering the minute shows its count and its sum.
  const minuteBar = minutes.bars[index];
  if (minuteBar === undefined) throw new Error(`no bar ${index}`);
  await hover(
    page,
    'chart-minutes',
    { x: minuteBar.x, y: (minutes.area.top + minutes.area.bottom) / 2 },
    {
      title: [`${hhmm(minute)}–${hhmm(minute + MINUTE_MS)} UTC`],
      lines: [`${withdrawalCount(bucket.count)}, ${money(bucket.total)} withdrawn`],
    },
  );

  // Top cards: the cards and totals of GET /analytics/top-cards, one row each, largest first.
  const { top, cards } = await waitFor(
    async () => {
      const answer = await testApp.api().get('/analytics/top-cards').query({ limit: 8 });
      const expected = answer.body as CardTotal[];
      const view = await chartView(page, 'chart-top');
      const same =
        view !== undefined &&
        expected.length > 0 &&
        JSON.stringify(view.labels) === JSON.stringify(expected.map((row) => row.debitCardId)) &&
        JSON.stringify(view.values) === JSON.stringify(expected.map((row) => Number(row.total)));
      return same ? { top: view, cards: expected } : undefined;
    },
    { description: 'the top-cards chart to show what the API answers', timeoutMs: 60_000, intervalMs: 1000 },
  );
  expect(top.x.title).toMatch(/total withdrawn/i);
  for (const tick of top.x.ticks) expect(tick).toMatch(AMOUNT);
  expect(top.y.ticks).toHaveLength(cards.length);
  for (const [row, { debitCardId, count, total }] of cards.entries()) {
    // The row label is the whole id, or, for a long one, its start and end around "…".
    const label = top.y.ticks[row] ?? '';
    if (label !== debitCardId) {
      const [start = '', end = ''] = label.split('…');
      expect(label).toContain('…');
      expect(debitCardId.startsWith(start) && debitCardId.endsWith(end)).toBe(true);
      expect(start.length).toBeGreaterThanOrEqual(8);
    }
    // Hovering the row shows the whole id and the exact total, with two decimals.
    const bar = top.bars[row];
    if (bar === undefined) throw new Error(`no bar ${row}`);
    expect(money(total)).toMatch(AMOUNT);
    await hover(
      page,
      'chart-top',
      { x: (top.area.left + top.area.right) / 2, y: bar.y },
      { title: [debitCardId], lines: [`${money(total)} withdrawn in ${withdrawalCount(count)}`] },
    );
  }
  // The canvases read the data out to assistive technology, amounts included.
  const topLabel = (await page.getAttribute('#chart-top', 'aria-label')) ?? '';
  for (const { debitCardId, total } of cards) expect(topLabel).toContain(`${debitCardId} ${money(total)}`);
  await page.mouse.move(0, 0); // no tooltip in the screenshot

  // Clicking the line traces it through the pipeline.
  await page.click('#statement tr[data-version="2"]');
  await page.locator('#trace .timeline li[data-hop="read_model"].done').waitFor({ timeout: 30_000 });

  // The reconciliation of the card is shown (consistent or not yet, depending on Druid's progress).
  await page.click('#reconcile-button');
  await page.locator('#reconcile tr[data-consistent]').waitFor({ timeout: 30_000 });

  mkdirSync(docsDir, { recursive: true });
  await page.screenshot({ path: join(docsDir, 'dashboard.png'), fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
});
