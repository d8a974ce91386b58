// Boots the real application (same factory as main.ts, same AppModule, real database) on an ephemeral
// port, so tests go through Fastify's real body parsing, limits and hooks over real HTTP.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request, { type Agent } from 'supertest';
import { createApp } from '../../src/app.factory';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest bound to the running server: `api().post('/moneywithdrawals')`. */
  api: () => Agent;
  close: () => Promise<void>;
}

export async function startApp(): Promise<TestApp> {
  const app = await createApp({ logLevels: ['error', 'warn'] });
  // listen() runs app.init() and Fastify's ready(); a real port (rather than supertest starting the
  // server per request) keeps dozens of concurrent requests on one server.
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    api: () => request(url),
    close: () => app.close(),
  };
}
