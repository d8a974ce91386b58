// The dashboard (GET /) in a real browser: Debian's Chromium driven by playwright-core, headless. A
// withdrawal submitted through the form appears in the mini statement without a reload, every hop of
// the pipeline shows up, the Druid chart has bars, and the withdrawal can be traced. Regenerates the
// README's screenshot, docs/dashboard.png: the whole page as the user sees it after that withdrawal.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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

it('withdraws through the form, shows the line live, the hops, a chart and the trace', async () => {
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

  // The per-minute chart is drawn from Druid: wait until it has at least one bar.
  await page.locator('#chart-minutes svg rect.bar').first().waitFor({ timeout: 120_000 });
  await page.locator('#chart-top svg rect.bar').first().waitFor({ timeout: 60_000 });

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
