// X-Request-Id: one id follows a withdrawal from the HTTP request through the card row, the binlog,
// the statement line and every log line. A client's id is kept when it is safe to store and log.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Fits `debit_card.last_request_id VARCHAR(64)` and cannot inject anything into a log line. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Fastify's `genReqId`: the client's X-Request-Id when acceptable, else a new uuid. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
}
