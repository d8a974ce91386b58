// @ts-check
// The dashboard's script: a JavaScript module with no build step, type-checked from its JSDoc
// (public/tsconfig.json, part of `npm run typecheck`) and linted (`npm run lint`). It calls bank-app's
// own API and draws the two charts with Chart.js, whose browser build the page loads first (the app
// serves it from node_modules). Every value from the API is written with textContent.
//
// Money: the API sends amounts as decimal strings with two fraction digits ("1234.50"). Labels are
// formatted from those strings (formatMoney), never from a float; a Number is used only for the
// geometry of a bar.

/**
 * The API's answers, as far as this page reads them (the OpenAPI document at /docs has them whole).
 * @typedef {{ detail?: string, title?: string }} Problem
 * @typedef {{ withdrawalId: string, amount: string, availableBalance: string, version: number }} Receipt
 * @typedef {{ amount: string, transactionDate: string, version: number, requestId: string | null }} StatementLine
 * @typedef {{ status: 'up' | 'down', durationMs?: number, state?: string, error?: string }} Check
 * @typedef {Check & {
 *   name: string,
 *   tasks?: { id: number, state: string }[],
 *   lag?: { events?: number, aggregate?: number | null },
 *   counters?: { withdrawalsPublished?: number },
 * }} Hop
 * @typedef {{
 *   generatedAt: string,
 *   status: 'up' | 'down',
 *   components: { database: Check, kafka: Check },
 *   hops: Hop[],
 *   lagMs?: Record<string, { lastMs: number | null } | undefined>,
 * }} PipelineStatus
 * @typedef {{ bucket: string, count: number, total: string }} WithdrawalBucket
 * @typedef {{ debitCardId: string, count: number, total: string }} CardTotal
 * @typedef {{
 *   hop: string,
 *   status: string,
 *   at: string | null,
 *   sinceCommitMs: number | null,
 *   detail: { topic?: string, partition?: number, offset?: string, note?: string },
 * }} TraceHop
 * @typedef {{
 *   withdrawals: {
 *     debitCardId: string, amount: string | null, version: number, hops: TraceHop[],
 *   }[],
 * }} Trace
 * @typedef {{ count: number, sum: string }} Totals
 * @typedef {{
 *   cards: {
 *     debitCardId: string, usedLimit: string, baseline: string, readModel: Totals,
 *     druid: Totals | null, consistent: boolean, mismatches: string[],
 *   }[],
 * }} Reconciliation
 */

/** Chart.js's UMD build, loaded by index.html before this module, sets window.Chart. */
const { Chart } = /** @type {{ Chart: typeof import('chart.js').Chart }} */ (/** @type {unknown} */ (window));

/**
 * The element with this id. The page's ids are fixed (index.html), so a missing one is a bug.
 * @param {string} id
 */
function $(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`#${id} is missing from the page`);
  return node;
}

/** @param {string} id */
function input(id) {
  const node = $(id);
  if (!(node instanceof HTMLInputElement)) throw new Error(`#${id} is not an input`);
  return node;
}

/** @param {string} id */
function canvas(id) {
  const node = $(id);
  if (!(node instanceof HTMLCanvasElement)) throw new Error(`#${id} is not a canvas`);
  return node;
}

/**
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {string} [text]
 */
function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Calls the API. The body is the parsed JSON, taken to have the documented shape T (not checked
 * here: the API is the app's own), or null when the answer is not JSON.
 * @template T
 * @param {string} path
 * @param {RequestInit} [options]
 * @returns {Promise<{ status: number, body: T | null, requestId: string | null }>}
 */
async function api(path, options = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, ...options });
  /** @type {unknown} */
  const json = await response.json().catch(() => null);
  const body = /** @type {T | null} */ (json);
  return { status: response.status, body, requestId: response.headers.get('x-request-id') };
}

/** @param {number | null | undefined} value */
const ms = (value) => (value === null || value === undefined ? '–' : `${Math.round(value)} ms`);
const card = () => input('card').value.trim();

// ---------------------------------------------------------------- formatting

/**
 * A decimal amount from the API ("1234567.5", "-12.30") as "1,234,567.50": thousands separators and
 * two fraction digits, from the string's digits (no float, so no rounding). Anything else is shown
 * as received.
 * @param {string} amount
 */
function formatMoney(amount) {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (match === null) return amount;
  const [, sign = '', whole = '0', fraction = ''] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction.padEnd(2, '0')}`;
}

// Axis ticks are positions chosen by Chart.js (Numbers), not amounts from the API.
const countTick = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const moneyTick = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** @param {number} count */
const withdrawals = (count) => `${countTick.format(count)} withdrawal${count === 1 ? '' : 's'}`;

/** The longest card id shown whole as a row label (ids have at most 36 characters). */
const CARD_LABEL_MAX = 26;

/**
 * A card id that fits the row label: whole up to CARD_LABEL_MAX characters, else its start and its
 * end around "…" (the end tells similar ids apart). The tooltip shows the whole id.
 * @param {string} id
 */
function shortCardId(id) {
  return id.length <= CARD_LABEL_MAX ? id : `${id.slice(0, 14)}…${id.slice(-11)}`;
}

/** "HH:MM" of an instant, UTC (the page's times are UTC, as the API's). */
const hhmm = (/** @type {number} */ epochMs) => new Date(epochMs).toISOString().slice(11, 16);

// ---------------------------------------------------------------- withdrawal and mini statement

/** @param {number} [minVersion] */
async function refreshStatement(minVersion) {
  const id = card();
  if (id === '') return;
  const query = new URLSearchParams({ debitCardId: id, limit: '15' });
  if (minVersion !== undefined) query.set('minVersion', String(minVersion));
  /** @type {{ status: number, body: StatementLine[] | null }} */
  const { status, body } = await api(`/moneywithdrawals?${query}`);
  if (status !== 200 || !Array.isArray(body)) return;
  $('statement-card').textContent = `card ${id}`;
  const rows = body.map((line) => {
    const row = el('tr', { 'data-request-id': line.requestId ?? '', 'data-version': String(line.version) });
    row.append(
      el('td', {}, String(line.version)),
      el('td', { class: 'amount' }, formatMoney(line.amount)),
      el('td', {}, line.transactionDate.replace('T', ' ').replace('Z', '')),
      el('td', { class: 'request-id' }, line.requestId ?? ''),
    );
    row.addEventListener('click', () => {
      if (!line.requestId) return;
      input('trace-id').value = line.requestId;
      void trace(line.requestId);
    });
    return row;
  });
  $('statement').replaceChildren(...rows);
}

/** @param {SubmitEvent} event */
async function withdraw(event) {
  event.preventDefault();
  const result = $('withdraw-result');
  result.className = '';
  result.textContent = 'sending…';
  const raw = input('amount').value.trim();
  /** @type {{ status: number, body: (Receipt & Problem) | null, requestId: string | null }} */
  const { status, body, requestId } = await api('/moneywithdrawals', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ debitCard: card(), amount: raw }),
  });
  if (status === 202 && body !== null) {
    result.textContent =
      `accepted: ${formatMoney(body.amount)} (version ${body.version}), ` +
      `available ${formatMoney(body.availableBalance)}, request id ${requestId ?? '?'}`;
    input('trace-id').value = requestId ?? '';
    // minVersion: the server waits until the read model has this version, then answers.
    await refreshStatement(body.version);
  } else {
    result.className = 'error';
    result.textContent = `${status}: ${body?.detail ?? body?.title ?? 'failed'}`;
  }
}

// ---------------------------------------------------------------- pipeline hops

/**
 * @param {string} name
 * @param {string} status
 * @param {string[]} lines
 */
function hopItem(name, status, lines) {
  const item = el('li', { class: `hop ${status}`, 'data-hop': name, 'data-status': status });
  item.append(el('div', { class: 'name' }, `${name}: ${status}`));
  for (const line of lines) item.append(el('div', { class: 'detail' }, line));
  return item;
}

/** @param {PipelineStatus} report */
function renderStatus(report) {
  /** @type {(name: string) => Hop} */
  const hop = (name) => report.hops.find((entry) => entry.name === name) ?? { name, status: 'down' };
  const { database, kafka } = report.components;
  const connector = hop('connector');
  const projector = hop('projector');
  const druid = hop('druid');
  const events = projector.lag?.events;
  /** @param {string} name */
  const lag = (name) => ms(report.lagMs?.[name]?.lastMs);
  const topicStatus = kafka.status === 'up' && connector.status === 'up' ? 'up' : 'down';
  const ministatementStatus = kafka.status === 'up' && projector.status === 'up' ? 'up' : 'down';
  const tasks = (connector.tasks ?? []).map((task) => `task ${task.id} ${task.state}`).join(', ');
  const items = [
    hopItem('database', database.status, [
      `MariaDB ${database.error ?? 'answering'}`,
      `check ${ms(database.durationMs)}`,
    ]),
    hopItem('connector', connector.status, [
      `Debezium ${connector.state ?? connector.error ?? '?'}`,
      tasks || 'no task',
    ]),
    hopItem('debit_card', topicStatus, [
      `commit → change event ${lag('debitCardTopic')}`,
      `projector lag ${events ?? '–'} events`,
    ]),
    hopItem('projector', projector.status, [
      `${projector.state ?? projector.error ?? '?'}, ${projector.counters?.withdrawalsPublished ?? 0} published`,
      `commit → read model ${lag('readModel')}`,
    ]),
    hopItem('ministatement', ministatementStatus, [
      `Kafka ${kafka.status}, projector ${projector.state ?? '?'}`,
      `commit → published ${lag('ministatement')}`,
    ]),
    hopItem('druid', druid.status, [
      `supervisor ${druid.state ?? druid.error ?? '?'}`,
      `ingestion lag ${druid.lag?.aggregate ?? '–'} records, published → queryable ${lag('druid')}`,
    ]),
  ];
  $('hops').replaceChildren(...items);
  $('overall').className = `pill ${report.status}`;
  $('overall').textContent = `pipeline: ${report.status}`;
  $('status-time').textContent = `as of ${report.generatedAt}`;
}

async function refreshStatus() {
  /** @type {{ status: number, body: PipelineStatus | null }} */
  const { status, body } = await api('/pipeline/status');
  if (status === 200 && body !== null) renderStatus(body);
}

// ---------------------------------------------------------------- charts (Chart.js)

const INK = '#1f2328';
const MUTED = '#59636e';
const BAR = '#0969da';
const MINUTE_MS = 60_000;
/** The per-minute chart's window: this many minutes, the current one last. */
const WINDOW_MINUTES = 60;

Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = MUTED;
Chart.defaults.animation = false; // redrawn every 5 s: bars that grow each time would only distract
Chart.defaults.plugins.tooltip.displayColors = false; // one series per chart: no colour key

/**
 * An axis title in the charts' style.
 * @param {string} text
 */
const axisTitle = (text) => ({
  display: true,
  text,
  color: INK,
  font: { weight: /** @type {const} */ ('bold') },
});

/**
 * The per-minute chart's buckets, one per minute of the window (oldest first), for its tooltips.
 * @type {{ start: number, count: number, total: string | null }[]}
 */
let minuteBuckets = [];

/** @type {import('chart.js').ChartDataset<'bar', number[]>} */
const minuteBars = { label: 'Withdrawals', data: [], backgroundColor: BAR };

const minutesChart = new Chart(canvas('chart-minutes'), {
  type: 'bar',
  data: { labels: /** @type {string[]} */ ([]), datasets: [minuteBars] },
  options: {
    maintainAspectRatio: false,
    // Hovering anywhere over a minute shows it, empty minutes included.
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          title: ([item]) => {
            const bucket = minuteBuckets[item?.dataIndex ?? -1];
            return bucket ? `${hhmm(bucket.start)}–${hhmm(bucket.start + MINUTE_MS)} UTC` : '';
          },
          label: (item) => {
            const bucket = minuteBuckets[item.dataIndex];
            if (bucket === undefined) return '';
            return bucket.total === null
              ? withdrawals(bucket.count)
              : `${withdrawals(bucket.count)}, ${formatMoney(bucket.total)} withdrawn`;
          },
        },
      },
    },
    scales: {
      x: {
        title: axisTitle('Time (UTC), one bar per minute'),
        grid: { display: false },
        ticks: {
          autoSkip: false,
          maxRotation: 0,
          // A label every 10 minutes, on the round ones.
          callback: (_value, index) => {
            const bucket = minuteBuckets[index];
            return bucket && bucket.start % (10 * MINUTE_MS) === 0 ? hhmm(bucket.start) : null;
          },
        },
      },
      y: {
        beginAtZero: true,
        suggestedMax: 4,
        title: axisTitle('Withdrawals per minute'),
        ticks: { precision: 0, callback: (value) => countTick.format(Number(value)) },
      },
    },
  },
});

/**
 * The top-cards chart's rows, largest total first, for its labels and tooltips.
 * @type {CardTotal[]}
 */
let topCards = [];

/**
 * Writes each card's total at the end of its bar (inside the bar when it fits), so the amounts read
 * without hovering. The text comes from the API's decimal string.
 * @type {import('chart.js').Plugin<'bar'>}
 */
const totalsAtBarEnds = {
  id: 'totalsAtBarEnds',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = `12px ${String(Chart.defaults.font.family)}`;
    ctx.textBaseline = 'middle';
    chart.getDatasetMeta(0).data.forEach((element, index) => {
      const row = topCards[index];
      if (row === undefined) return;
      const text = formatMoney(row.total);
      const { x, y, base } = /** @type {{ x: number, y: number, base: number }} */ (
        element.getProps(['x', 'y', 'base'], true)
      );
      const inside = x - base >= ctx.measureText(text).width + 12;
      ctx.fillStyle = inside ? '#fff' : INK;
      ctx.textAlign = inside ? 'right' : 'left';
      ctx.fillText(text, inside ? x - 6 : x + 6, y);
    });
    ctx.restore();
  },
};

/** @type {import('chart.js').ChartDataset<'bar', number[]>} */
const cardBars = { label: 'Total withdrawn', data: [], backgroundColor: BAR };

const topChart = new Chart(canvas('chart-top'), {
  type: 'bar',
  data: { labels: /** @type {string[]} */ ([]), datasets: [cardBars] },
  options: {
    indexAxis: 'y', // horizontal bars: the card ids are row labels, with room to be read
    maintainAspectRatio: false,
    interaction: { mode: 'index', axis: 'y', intersect: false },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          title: ([item]) => topCards[item?.dataIndex ?? -1]?.debitCardId ?? '',
          label: (item) => {
            const row = topCards[item.dataIndex];
            return row ? `${formatMoney(row.total)} withdrawn in ${withdrawals(row.count)}` : '';
          },
        },
      },
    },
    scales: {
      x: {
        beginAtZero: true,
        grace: '15%', // room after the longest bar for a total written outside it
        title: axisTitle('Total withdrawn (currency units)'),
        ticks: { maxTicksLimit: 5, maxRotation: 0, callback: (value) => moneyTick.format(Number(value)) },
      },
      y: {
        title: axisTitle('Card'),
        grid: { display: false },
        ticks: { color: INK, callback: (_value, index) => shortCardId(topCards[index]?.debitCardId ?? '') },
      },
    },
  },
  plugins: [totalsAtBarEnds],
});

/**
 * The last WINDOW_MINUTES minutes as one bucket each, oldest first. The API leaves out the minutes
 * without withdrawals; here they are bars of height 0.
 * @param {WithdrawalBucket[]} buckets
 * @param {number} start epoch milliseconds of the first minute
 */
function everyMinute(buckets, start) {
  const byStart = new Map(buckets.map((bucket) => [Date.parse(bucket.bucket), bucket]));
  return Array.from({ length: WINDOW_MINUTES }, (_, index) => {
    const minute = start + index * MINUTE_MS;
    const bucket = byStart.get(minute);
    return { start: minute, count: bucket?.count ?? 0, total: bucket?.total ?? null };
  });
}

async function refreshCharts() {
  const end = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + MINUTE_MS; // the current minute's end
  const start = end - WINDOW_MINUTES * MINUTE_MS;
  const query = new URLSearchParams({
    granularity: 'minute',
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
  });
  /** @type {{ status: number, body: WithdrawalBucket[] | null }} */
  const minutes = await api(`/analytics/withdrawals?${query}`);
  if (minutes.status === 200 && Array.isArray(minutes.body)) {
    minuteBuckets = everyMinute(minutes.body, start);
    minutesChart.data.labels = minuteBuckets.map((bucket) => hhmm(bucket.start));
    minuteBars.data = minuteBuckets.map((bucket) => bucket.count);
    minutesChart.update();
    const total = minuteBuckets.reduce((sum, bucket) => sum + bucket.count, 0);
    const busiest = Math.max(...minuteBuckets.map((bucket) => bucket.count));
    canvas('chart-minutes').setAttribute(
      'aria-label',
      `Withdrawals per minute, ${hhmm(start)} to ${hhmm(end)} UTC: ${withdrawals(total)} in all, ` +
        `at most ${countTick.format(busiest)} in one minute`,
    );
  }
  /** @type {{ status: number, body: CardTotal[] | null }} */
  const top = await api('/analytics/top-cards?limit=8');
  if (top.status === 200 && Array.isArray(top.body)) {
    topCards = top.body;
    topChart.data.labels = topCards.map((row) => row.debitCardId);
    // The bar's length only; its label is the exact string (totalsAtBarEnds, the tooltip).
    cardBars.data = topCards.map((row) => Number(row.total));
    topChart.update();
    canvas('chart-top').setAttribute(
      'aria-label',
      `Top cards by total withdrawn: ${
        topCards.map((row) => `${row.debitCardId} ${formatMoney(row.total)}`).join(', ') || 'none yet'
      }`,
    );
  }
}

// ---------------------------------------------------------------- trace and reconciliation

/** @param {string} requestId */
async function trace(requestId) {
  const target = $('trace');
  /** @type {{ status: number, body: (Trace & Problem) | null }} */
  const { status, body } = await api(`/pipeline/trace?${new URLSearchParams({ requestId })}`);
  if (status !== 200 || body === null) {
    target.replaceChildren(el('p', { class: 'error' }, `${status}: ${body?.detail ?? 'failed'}`));
    return;
  }
  if (body.withdrawals.length === 0) {
    target.replaceChildren(el('p', {}, 'No withdrawal with this request id (yet).'));
    return;
  }
  target.replaceChildren(
    ...body.withdrawals.map((withdrawal) => {
      const block = el('div', { class: 'traced' });
      const amount = withdrawal.amount === null ? '?' : formatMoney(withdrawal.amount);
      block.append(
        el('p', {}, `${amount} from card ${withdrawal.debitCardId}, version ${withdrawal.version}`),
      );
      const list = el('ol', { class: 'timeline' });
      for (const hop of withdrawal.hops) {
        const where = [hop.detail.topic, hop.detail.partition, hop.detail.offset]
          .filter((part) => part !== undefined)
          .join(' / ');
        const when = hop.at ? `${hop.at} (+${ms(hop.sinceCommitMs)})` : '';
        const text = `${hop.hop}: ${hop.status} ${when} ${where ? `[${where}]` : ''} ${hop.detail.note ?? ''}`;
        list.append(el('li', { class: hop.status, 'data-hop': hop.hop }, text.replace(/\s+/g, ' ').trim()));
      }
      block.append(list);
      return block;
    }),
  );
}

async function reconcile() {
  const target = $('reconcile');
  /** @type {{ status: number, body: (Reconciliation & Problem) | null }} */
  const { status, body } = await api(`/pipeline/reconcile?${new URLSearchParams({ debitCardId: card() })}`);
  if (status !== 200 || body === null) {
    target.replaceChildren(el('p', { class: 'error' }, `${status}: ${body?.detail ?? 'failed'}`));
    return;
  }
  const table = el('table');
  const head = el('tr');
  for (const title of ['Card', 'used_limit', 'baseline', 'read model', 'Druid', 'consistent']) {
    head.append(el('th', {}, title));
  }
  table.append(head);
  /** @param {Totals} totals */
  const countAndSum = (totals) => `${totals.count} / ${formatMoney(totals.sum)}`;
  for (const entry of body.cards) {
    const row = el('tr', { 'data-consistent': String(entry.consistent) });
    row.append(
      el('td', {}, entry.debitCardId),
      el('td', {}, formatMoney(entry.usedLimit)),
      el('td', {}, formatMoney(entry.baseline)),
      el('td', {}, countAndSum(entry.readModel)),
      el('td', {}, entry.druid ? countAndSum(entry.druid) : 'n/a'),
      el('td', {}, entry.consistent ? 'yes' : `no: ${entry.mismatches.join('; ')}`),
    );
    table.append(row);
  }
  target.replaceChildren(body.cards.length === 0 ? el('p', {}, 'No such card.') : table);
}

// ---------------------------------------------------------------- wiring

/**
 * Runs the task now and then again `milliseconds` after each run ends (never two at once).
 * @param {number} milliseconds
 * @param {() => Promise<void>} task
 */
function every(milliseconds, task) {
  const run = () => {
    task()
      .catch(() => undefined)
      .finally(() => setTimeout(run, milliseconds));
  };
  run();
}

$('withdraw-form').addEventListener('submit', (event) => void withdraw(event));
$('trace-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void trace(input('trace-id').value.trim());
});
$('reconcile-button').addEventListener('click', () => void reconcile());
$('card').addEventListener('change', () => void refreshStatement());

every(2000, refreshStatus);
// Live statement: another client's withdrawals show up too (the form's own wait with minVersion).
every(2000, () => refreshStatement());
every(5000, refreshCharts);
