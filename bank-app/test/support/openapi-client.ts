// A typed client generated from the OpenAPI document, as a TypeScript user of the API would make one:
// openapi-typescript turns the document into `paths` types, openapi-fetch calls the API with them.
// client.ts makes a withdrawal and reads the statement; a request the document does not allow is a
// compile error there (@ts-expect-error). The unit tier type-checks it; the e2e tier runs it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';

export const CLIENT_DIR = resolve(__dirname, '..', '..', 'test-output', 'openapi-client');

const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export interface Receipt {
  withdrawalId: string;
  availableBalance: string;
  version: number;
}

/** Withdraws through the typed client, then reads the statement as far as that version. */
export async function withdrawAndRead(baseUrl: string, debitCard: string, amount: string) {
  const client = createClient<paths>({ baseUrl });
  const withdrawal = await client.POST('/moneywithdrawals', {
    body: { debitCard, amount },
    params: { header: { 'Idempotency-Key': \`typed-client-\${debitCard}-\${amount}\` } },
  });
  const receipt: Receipt | undefined = withdrawal.data;
  const statement = await client.GET('/moneywithdrawals', {
    params: { query: { debitCardId: debitCard, limit: '10' } },
  });
  const amounts: string[] | undefined = statement.data?.map((line) => line.amount);
  const problem: string | undefined = withdrawal.error?.type;
  return { status: withdrawal.response.status, receipt, problem, statusOfStatement: statement.response.status, amounts };
}

export function notAllowed(client: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error usedLimit is not a field of a withdrawal
  const extra: components['schemas']['WithdrawalRequestDto'] = { debitCard: '1', amount: 1, usedLimit: 0 };
  // @ts-expect-error an amount is a number or a decimal string
  void client.POST('/moneywithdrawals', { body: { ...extra, amount: true } });
  // @ts-expect-error debitCardId is a required parameter of the statement
  void client.GET('/moneywithdrawals', { params: { query: {} } });
}
`;

/** Writes schema.d.ts (from the document) and client.ts into CLIENT_DIR; returns client.ts's path. */
export function writeTypedClient(document: OpenAPIObject, dir = CLIENT_DIR): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
  const [input, output] = [join(dir, 'openapi.json'), join(dir, 'schema.d.ts')];
  execFileSync('npx', ['--no-install', 'openapi-typescript', input, '-o', output], {
    cwd: dir,
    stdio: 'pipe',
  });
  writeFileSync(join(dir, 'client.ts'), CLIENT);
  return join(dir, 'client.ts');
}
