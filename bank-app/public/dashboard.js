// The dashboard's only script: vanilla JavaScript, no build step, no dependency. It calls bank-app's
// own API and draws the charts as inline SVG. Every value from the API is written with textContent.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, ...options });
  const body = await response.json().catch(() => null);
  return { status: response.status, body, requestId: response.headers.get('x-request-id') };
}

const ms = (value) => (value === null || value === undefined ? '–' : `${Math.round(value)} ms`);
const card = () => $('card').value.trim();

// ---------------------------------------------------------------- withdrawal and mini statement

async function refreshStatement(minVersion) {
  const id = card();
  if (id === '') return;
  const query = new URLSearchParams({ debitCardId: id, limit: '15' });
  if (minVersion !== undefined) query.set('minVersion', String(minVersion));
  const { status, body } = await api(`/moneywithdrawals?${query}`);
  if (status !== 200 || !Array.isArray(body)) return;
  $('statement-card').textContent = `card ${id}`;
  const rows = body.map((line) => {
    const row = el('tr', { 'data-request-id': line.requestId ?? '', 'data-version': String(line.version) });
    row.append(
      el('td', {}, String(line.version)),
      el('td', {}, line.amount),
      el('td', {}, line.transactionDate.replace('T', ' ').replace('Z', '')),
      el('td', { class: 'request-id' }, line.requestId ?? ''),
    );
    row.addEventListener('click', () => {
      if (!line.requestId) return;
      $('trace-id').value = line.requestId;
      void trace(line.requestId);
    });
    return row;
  });
  $('statement').replaceChildren(...rows);
}

async function withdraw(event) {
  event.preventDefault();
  const result = $('withdraw-result');
  result.className = '';
  result.textContent = 'sending…';
  const raw = $('amount').value.trim();
  const { status, body, requestId } = await api('/moneywithdrawals', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ debitCard: card(), amount: raw }),
  });
  if (status === 202) {
    result.textContent =
      `accepted: ${body.amount} (version ${body.version}), available ${body.availableBalance}, ` +
      `request id ${requestId}`;
    $('trace-id').value = requestId;
    // minVersion: the server waits until the read model has this version, then answers.
    await refreshStatement(body.version);
  } else {
    result.className = 'error';
    result.textContent = `${status}: ${body?.detail ?? body?.title ?? 'failed'}`;
  }
}

// ---------------------------------------------------------------- pipeline hops

function hopItem(name, status, lines) {
  const item = el('li', { class: `hop ${status}`, 'data-hop': name, 'data-status': status });
  item.append(el('div', { class: 'name' }, `${name}: ${status}`));
  for (const line of lines) item.append(el('div', { class: 'detail' }, line));
  return item;
}

function renderStatus(report) {
  const hop = (name) => report.hops.find((entry) => entry.name === name) ?? { status: 'down' };
  const { database, kafka } = report.components;
  const connector = hop('connector');
  const projector = hop('projector');
  const druid = hop('druid');
  const events = projector.lag?.events;
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
  const { status, body } = await api('/pipeline/status');
  if (status === 200 && body) renderStatus(body);
}

// ---------------------------------------------------------------- charts (inline SVG)

function barChart(container, bars, { width = 640, height = 180, label }) {
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'data-bars': bars.length });
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const plotTop = 10;
  const plotBottom = height - 22;
  chart.append(svg('line', { x1: 30, y1: plotBottom, x2: width, y2: plotBottom, stroke: '#d1d9e0' }));
  chart.append(svg('text', { x: 0, y: plotTop + 8, 'font-size': 10, fill: '#59636e' }, String(max)));
  const slot = (width - 34) / Math.max(bars.length, 1);
  bars.forEach((bar, index) => {
    const barHeight = ((plotBottom - plotTop) * bar.value) / max;
    const x = 32 + index * slot;
    const rect = svg('rect', {
      x: x + slot * 0.1,
      y: plotBottom - barHeight,
      width: Math.max(1, slot * 0.8),
      height: barHeight,
      fill: '#0969da',
      class: 'bar',
    });
    rect.append(svg('title', {}, `${bar.label}: ${label(bar)}`));
    chart.append(rect);
    if (bars.length <= 12 || index % Math.ceil(bars.length / 8) === 0) {
      chart.append(svg('text', { x, y: height - 6, 'font-size': 10, fill: '#59636e' }, bar.short));
    }
  });
  if (bars.length === 0) {
    chart.append(svg('text', { x: width / 2 - 40, y: height / 2, fill: '#59636e' }, 'no data yet'));
  }
  container.replaceChildren(chart);
}

async function refreshCharts() {
  const now = Date.now();
  const from = new Date(now - 60 * 60_000).toISOString();
  const to = new Date(now + 60_000).toISOString();
  const minutes = await api(
    `/analytics/withdrawals?${new URLSearchParams({ granularity: 'minute', from, to })}`,
  );
  if (minutes.status === 200 && Array.isArray(minutes.body)) {
    barChart(
      $('chart-minutes'),
      minutes.body.map((bucket) => ({
        value: bucket.count,
        label: bucket.bucket,
        short: bucket.bucket.slice(11, 16),
        total: bucket.total,
      })),
      { label: (bar) => `${bar.value} withdrawals, ${bar.total}` },
    );
  }
  const top = await api('/analytics/top-cards?limit=8');
  if (top.status === 200 && Array.isArray(top.body)) {
    barChart(
      $('chart-top'),
      top.body.map((entry) => ({
        value: Number(entry.total),
        label: entry.debitCardId,
        short: entry.debitCardId.slice(0, 6),
        total: entry.total,
      })),
      { width: 320, label: (bar) => `${bar.total} in total` },
    );
  }
}

// ---------------------------------------------------------------- trace and reconciliation

async function trace(requestId) {
  const target = $('trace');
  const { status, body } = await api(`/pipeline/trace?${new URLSearchParams({ requestId })}`);
  if (status !== 200) {
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
      block.append(
        el(
          'p',
          {},
          `${withdrawal.amount ?? '?'} from card ${withdrawal.debitCardId}, version ${withdrawal.version}`,
        ),
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
  const { status, body } = await api(`/pipeline/reconcile?${new URLSearchParams({ debitCardId: card() })}`);
  if (status !== 200) {
    target.replaceChildren(el('p', { class: 'error' }, `${status}: ${body?.detail ?? 'failed'}`));
    return;
  }
  const table = el('table');
  const head = el('tr');
  for (const title of ['Card', 'used_limit', 'baseline', 'read model', 'Druid', 'consistent']) {
    head.append(el('th', {}, title));
  }
  table.append(head);
  for (const entry of body.cards) {
    const row = el('tr', { 'data-consistent': String(entry.consistent) });
    row.append(
      el('td', {}, entry.debitCardId),
      el('td', {}, entry.usedLimit),
      el('td', {}, entry.baseline),
      el('td', {}, `${entry.readModel.count} / ${entry.readModel.sum}`),
      el('td', {}, entry.druid ? `${entry.druid.count} / ${entry.druid.sum}` : 'n/a'),
      el('td', {}, entry.consistent ? 'yes' : `no: ${entry.mismatches.join('; ')}`),
    );
    table.append(row);
  }
  target.replaceChildren(body.cards.length === 0 ? el('p', {}, 'No such card.') : table);
}

// ---------------------------------------------------------------- wiring

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
  void trace($('trace-id').value.trim());
});
$('reconcile-button').addEventListener('click', () => void reconcile());
$('card').addEventListener('change', () => void refreshStatement());

every(2000, refreshStatus);
// Live statement: another client's withdrawals show up too (the form's own wait with minVersion).
every(2000, () => refreshStatement());
every(5000, refreshCharts);
