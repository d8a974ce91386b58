// The dashboard's files through @fastify/static, on a Nest app with one API route and Swagger UI
// beside them, as app.factory.ts wires them: content types, no-cache, no directory listing, and the
// API and /docs unaffected. Requests go through Fastify's inject(): no port, no infrastructure.
import { Controller, Get } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppFastifyAdapter } from '../app.factory';
import { setUpOpenApi } from '../common/openapi';
import { CHART_JS_FILE, CHART_JS_PREFIX, PUBLIC_DIR, serveDashboard } from './serve-dashboard';

@Controller('ping')
class PingController {
  @Get()
  ping(): { pong: true } {
    return { pong: true };
  }
}

let app: NestFastifyApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ controllers: [PingController] }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(new AppFastifyAdapter(), { logger: false });
  setUpOpenApi(app);
  await serveDashboard(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

it('serves index.html at / with no-cache', async () => {
  const response = await get('/');
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-cache');
  expect(response.body).toBe(readFileSync(resolve(PUBLIC_DIR, 'index.html'), 'utf8'));
});

// application/javascript is @fastify/send's type for .js (mime 3); the HTML standard takes it as
// JavaScript, module scripts included.
it.each([
  ['/dashboard.js', 'application/javascript; charset=utf-8'],
  ['/dashboard.css', 'text/css; charset=utf-8'],
  [`${CHART_JS_PREFIX}${CHART_JS_FILE}`, 'application/javascript; charset=utf-8'],
])('serves %s as %s with no-cache and a validator', async (url, contentType) => {
  const response = await get(url);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe(contentType);
  expect(response.headers['cache-control']).toBe('no-cache');
  const etag = response.headers.etag;
  expect(etag).toEqual(expect.any(String));
  expect((await get(url, { 'if-none-match': String(etag) })).statusCode).toBe(304);
});

it('the page loads Chart.js from the path that serves it', () => {
  const html = readFileSync(resolve(PUBLIC_DIR, 'index.html'), 'utf8');
  expect(html).toContain(`src="${CHART_JS_PREFIX}${CHART_JS_FILE}"`);
});

it.each([
  '/tsconfig.json', // the type-check's, in public/ but not for browsers
  `${CHART_JS_PREFIX}chart.cjs`, // of chart.js's package, only the browser build
  CHART_JS_PREFIX, // no directory listing
  '/vendor/',
  '/nothing-here.js',
  '/../package.json',
])('answers 404 for %s, from the not-found handler', async (url) => {
  const response = await get(url);
  expect(response.statusCode).toBe(404);
  expect(response.headers['content-type']).toMatch(/json/); // Nest's 404 (the app's filter in production)
});

it('leaves the API routes and Swagger UI as they were', async () => {
  const ping = await get('/ping');
  expect(ping.statusCode).toBe(200);
  expect(ping.json()).toEqual({ pong: true });
  const docs = await get('/docs');
  expect(docs.statusCode).toBe(200);
  expect(docs.headers['content-type']).toMatch(/^text\/html/);
  expect((await get('/docs/swagger-ui.css')).statusCode).toBe(200);
  expect((await get('/docs-json')).statusCode).toBe(200);
});
