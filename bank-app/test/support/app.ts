// Boots the real application (same factory as main.ts, same AppModule, real database) on an ephemeral
// port, so tests go through Fastify's real body parsing, limits and hooks over real HTTP.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import request, { type Agent } from 'supertest';
import { createApp } from '../../src/app.factory';
import { recordResponses } from './contract';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest bound to the running server: `api().post('/moneywithdrawals')`. */
  api: () => Agent;
  close: () => Promise<void>;
}

export async function startApp(): Promise<TestApp> {
  const app = await createApp({ logLevel: 'warn' });
  // Every response is checked against the document this app serves (contract.ts).
  const served: { document?: OpenAPIObject } = {};
  recordResponses(app, () => served.document);
  // listen() runs app.init() and Fastify's ready(); a real port (rather than supertest starting the
  // server per request) keeps dozens of concurrent requests on one server.
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  served.document = (await request(url).get('/docs-json').expect(200)).body as OpenAPIObject;
  return {
    app,
    api: () => request(url),
    close: () => app.close(),
  };
}
