// The client against a stand-in broker (a local HTTP server), for the answers a real Druid gives when
// it is down, slow, overloaded or has no datasource yet.
import { Logger } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '../common/domain-error';
import type { AppConfig } from '../config/app-config';
import { DATASOURCE, DruidQueryError, DruidSqlClient, type DruidSqlRequest } from './druid-sql.client';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;

beforeAll(async () => {
  Logger.overrideLogger(false); // the client logs each failure; expected here
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handler(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function clientFor(brokerUrl: string, queryTimeoutMs = 200): DruidSqlClient {
  return new DruidSqlClient({ druid: { brokerUrl, overlordUrl: brokerUrl, queryTimeoutMs } } as AppConfig);
}

const json =
  (status: number, value: unknown) => (_: IncomingMessage, __: string, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };

const request: DruidSqlRequest = {
  query: `SELECT COUNT(*) AS "count" FROM "${DATASOURCE}" WHERE __time >= ?`,
  parameters: [{ type: 'TIMESTAMP', value: 0 }],
  resultFormat: 'object',
  context: { sqlTimeZone: 'Etc/UTC' },
};

async function expectUnavailable(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DomainError);
  await expect(promise).rejects.toMatchObject({ code: 'ANALYTICS_UNAVAILABLE' });
}

it('posts the query with its parameters and Druid timeout, and returns the rows', async () => {
  let received: unknown;
  handler = (incoming, body, response) => {
    received = { method: incoming.method, url: incoming.url, body: JSON.parse(body) as unknown };
    json(200, [{ bucket: '1970-01-01T00:00:00.000Z', count: 1, totalMinor: '5' }])(incoming, body, response);
  };

  await expect(clientFor(baseUrl).query(request)).resolves.toEqual([
    { bucket: '1970-01-01T00:00:00.000Z', count: 1, totalMinor: '5' },
  ]);
  expect(received).toEqual({
    method: 'POST',
    url: '/druid/v2/sql',
    body: { ...request, context: { ...request.context, timeout: 200 } },
  });
});

it('gives no rows while the datasource does not exist (nothing ingested yet)', async () => {
  handler = json(400, {
    error: 'druidException',
    errorCode: 'invalidInput',
    category: 'INVALID_INPUT',
    errorMessage: "Object 'bankapp' not found (line [1], column [99])",
  });

  await expect(clientFor(baseUrl).query(request)).resolves.toEqual([]);
});

it.each([429, 502, 503, 504])('maps Druid answering %i to ANALYTICS_UNAVAILABLE', async (status) => {
  handler = json(status, { error: 'Query timeout', errorCode: 'timeout' });

  await expectUnavailable(clientFor(baseUrl).query(request));
});

it('maps a broker that is not listening to ANALYTICS_UNAVAILABLE', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  await expectUnavailable(clientFor(`http://127.0.0.1:${port}`).query(request));
});

it('gives up on a broker that does not answer in time', async () => {
  handler = () => undefined; // accepts the request, never answers
  const started = Date.now();

  await expectUnavailable(clientFor(baseUrl, 100).query(request));
  expect(Date.now() - started).toBeLessThan(3000);
});

it('treats a result cut off mid-stream as unavailable, not as fewer rows', async () => {
  handler = (_, __, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('[{"bucket":"1970-01-01T00:00:00.000Z","count":1,"totalMinor":"5"},');
  };

  await expectUnavailable(clientFor(baseUrl).query(request));
});

it('does not hide a query Druid refuses (a bug) behind a 503', async () => {
  handler = json(400, { errorCode: 'invalidInput', errorMessage: "Column 'nope' not found in any table" });

  await expect(clientFor(baseUrl).query(request)).rejects.toBeInstanceOf(DruidQueryError);
});
