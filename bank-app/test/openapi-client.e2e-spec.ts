// A TypeScript user's typed client, generated from the running app's /docs-json (openapi-typescript,
// then openapi-fetch), makes a withdrawal and reads the statement. No projector here: the statement of
// a new card is read as it is (200, an array of lines), not waited for.
import type { OpenAPIObject } from '@nestjs/swagger';
import { join } from 'node:path';
import { startApp, type TestApp } from './support/app';
import { createCard } from './support/cards';
import { CLIENT_DIR, writeTypedClient } from './support/openapi-client';

/** What the generated client.ts exports (see support/openapi-client.ts). */
interface Client {
  withdrawAndRead: (baseUrl: string, debitCard: string, amount: string) => Promise<Record<string, unknown>>;
}

let testApp: TestApp;
const projectorSetting = process.env.PROJECTOR_ENABLED;

beforeAll(async () => {
  process.env.PROJECTOR_ENABLED = 'false';
  testApp = await startApp();
});

afterAll(async () => {
  await testApp?.close();
  if (projectorSetting === undefined) delete process.env.PROJECTOR_ENABLED;
  else process.env.PROJECTOR_ENABLED = projectorSetting;
});

it('withdraws and reads the statement through a client generated from /docs-json', async () => {
  const document = (await testApp.api().get('/docs-json').expect(200)).body as OpenAPIObject;
  const clientFile = writeTypedClient(document, join(CLIENT_DIR, 'e2e'));
  // ts-jest compiles (and type-checks) the generated client as it loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withdrawAndRead } = require(clientFile) as Client;
  const card = await createCard(testApp, '100.00', 'typed');

  const result = await withdrawAndRead(await testApp.app.getUrl(), card, '12.50');
  const refused = await withdrawAndRead(await testApp.app.getUrl(), card, '1000.00');

  expect(result).toMatchObject({
    status: 202,
    receipt: { availableBalance: '87.50', version: 1 },
    statusOfStatement: 200,
  });
  expect(Array.isArray(result.amounts)).toBe(true); // (fetch's arrays come from another realm than jest's)
  expect(refused).toMatchObject({ status: 422, problem: '/problems/insufficient-funds' });
});
