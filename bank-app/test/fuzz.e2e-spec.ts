// Bad input at scale: property-based tests (fast-check) throw generated bodies, headers, path segments
// and query strings at every endpoint of the running app. Whatever arrives: never a 5xx, every 4xx is
// application/problem+json, and a refused request changes nothing in the database.
import fc from 'fast-check';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { startApp, type TestApp } from './support/app';
import { openTestDb } from './support/db';

let testApp: TestApp;
let db: Pool;
const projectorSetting = process.env.PROJECTOR_ENABLED;

beforeAll(async () => {
  // The database must only change through these requests: no projector writing the read model meanwhile.
  process.env.PROJECTOR_ENABLED = 'false';
  testApp = await startApp();
  db = openTestDb();
});

afterAll(async () => {
  await testApp?.close();
  await db?.end();
  if (projectorSetting === undefined) delete process.env.PROJECTOR_ENABLED;
  else process.env.PROJECTOR_ENABLED = projectorSetting;
});

/** A cheap fingerprint of everything an HTTP request can write (the read model is the projector's). */
async function databaseFingerprint(): Promise<string> {
  const [[row]] = await db.query<RowDataPacket[]>(`
    SELECT (SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(used_limit), 0), '/', COALESCE(SUM(version), 0)) FROM debit_card) AS cards,
           (SELECT COUNT(*) FROM idempotency_key) AS idempotencyKeys`);
  return JSON.stringify(row);
}

interface Reply {
  status: number;
  type: string;
  body: unknown;
}

/** Printable ASCII only: Node refuses control characters in header values before sending. */
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);
const jsonish = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc
    .record(
      {
        debitCard: fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.constant(null), fc.jsonValue()),
        amount: fc.oneof(fc.double(), fc.string({ maxLength: 30 }), fc.integer(), fc.jsonValue()),
        initialLimit: fc.oneof(fc.double(), fc.string({ maxLength: 30 }), fc.jsonValue()),
        id: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
        usedLimit: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
  ),
  headerValue,
);
const queryString = fc
  .dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 }), { maxKeys: 5 })
  .map((params) => new URLSearchParams(params).toString());

/** Asserts the reply is not a 5xx and that a 4xx is a problem document; returns whether it was refused. */
function expectWellFormed(request: string, reply: Reply): boolean {
  expect({ request, status: reply.status < 500 }).toEqual({ request, status: true });
  if (reply.status < 400) return false;
  expect({ request, problemJson: /^application\/problem\+json/.test(reply.type) }).toEqual({
    request,
    problemJson: true,
  });
  const problem = reply.body as { type?: unknown; title?: unknown; status?: unknown };
  expect({ request, type: typeof problem.type, title: typeof problem.title, status: problem.status }).toEqual(
    {
      request,
      type: 'string',
      title: 'string',
      status: reply.status,
    },
  );
  return true;
}

async function checkUnchangedWhenRefused(send: () => Promise<Reply>, request: string): Promise<void> {
  const before = await databaseFingerprint();
  const reply = await send();
  if (expectWellFormed(request, reply))
    expect({ request, database: await databaseFingerprint() }).toEqual({ request, database: before });
}

function reply(response: { status: number; headers: Record<string, string>; body: unknown }): Reply {
  return { status: response.status, type: response.headers['content-type'] ?? '', body: response.body };
}

const runs = { numRuns: 150 };

it.each(['/moneywithdrawals', '/debitcards'])(
  'POST %s: generated bodies, content types and headers',
  async (path) => {
    await fc.assert(
      fc.asyncProperty(
        jsonish,
        contentType,
        fc.option(headerValue),
        fc.option(headerValue),
        async (body, type, key, requestId) => {
          let call = testApp.api().post(path).set('Content-Type', type);
          if (key !== null) call = call.set('Idempotency-Key', key);
          if (requestId !== null) call = call.set('X-Request-Id', requestId);
          await checkUnchangedWhenRefused(
            async () => reply(await call.send(body)),
            `POST ${path} ${type} ${body}`,
          );
        },
      ),
      runs,
    );
  },
);

it.each(['/moneywithdrawals', '/analytics/withdrawals', '/analytics/top-cards', '/health'])(
  'GET %s: generated query strings',
  async (path) => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        await checkUnchangedWhenRefused(
          async () => reply(await testApp.api().get(`${path}?${query}`)),
          `GET ${path}?${query}`,
        );
      }),
      runs,
    );
  },
);

it('GET /debitcards/:id: generated path segments', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (segment) => {
      const path = `/debitcards/${encodeURIComponent(segment)}`;
      await checkUnchangedWhenRefused(async () => reply(await testApp.api().get(path)), `GET ${path}`);
    }),
    runs,
  );
});
