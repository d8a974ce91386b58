// GET /: the dashboard, a static page (bank-app/public) that calls the API from the browser: a
// withdrawal form, the live mini statement, every hop of the pipeline with its state and lag, Druid
// charts, a withdrawal's trace and the reconciliation. No build step: plain HTML, CSS and one
// JavaScript module, checked by `npm run lint` and `npm run typecheck` (public/tsconfig.json), plus
// Chart.js's browser build, served from node_modules (no CDN).
//
// Served by @fastify/static, registered as a Fastify plugin: Nest's app.useStaticAssets() would
// require() the plugin from @nestjs/platform-fastify's own folder, where npm does not put it here.
import fastifyStatic, { type FastifyStaticOptions } from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { dirname, resolve } from 'node:path';

/** bank-app/public, from src/dashboard (tsx, ts-jest) and from dist/dashboard (node) alike. */
export const PUBLIC_DIR = resolve(__dirname, '..', '..', 'public');

/** Where the page loads Chart.js from: CHART_JS_PREFIX + CHART_JS_FILE. */
export const CHART_JS_PREFIX = '/vendor/chart.js/';
export const CHART_JS_FILE = 'chart.umd.min.js';

/** The folder of chart.js's builds in node_modules (its main entry, dist/chart.cjs, is there too). */
const CHART_JS_DIR = dirname(require.resolve('chart.js'));

/**
 * The page changes with the app, so browsers revalidate every time (ETag and Last-Modified are sent,
 * a revalidated file costs a 304). No directory listing (`list` is off by default), and only files:
 * a directory path is a 404, like any other unknown path.
 */
const common: FastifyStaticOptions = {
  root: PUBLIC_DIR,
  cacheControl: false, // @fastify/send's own header ("public, max-age=0") is replaced by setHeaders
  setHeaders: (response) => {
    // Node's ServerResponse, typed with FastifyReply's thenable header(): nothing to await.
    void response.setHeader('cache-control', 'no-cache');
  },
  decorateReply: false, // no reply.sendFile(): nothing uses it, and Swagger UI registers the plugin too
};

export async function serveDashboard(app: NestFastifyApplication): Promise<void> {
  // One route per file found at start-up (wildcard: false), and "/" for index.html, rather than a
  // catch-all "/*": unknown paths reach the API's own 404 untouched. public/tsconfig.json is for the
  // type-check, not for browsers.
  await app.register(fastifyStatic, {
    ...common,
    prefix: '/',
    wildcard: false,
    globIgnore: ['tsconfig.json'],
  });
  // Of chart.js's package, the one file that the page loads.
  await app.register(fastifyStatic, {
    ...common,
    root: CHART_JS_DIR,
    prefix: CHART_JS_PREFIX,
    allowedPath: (path) => path === `/${CHART_JS_FILE}`,
  });
}
