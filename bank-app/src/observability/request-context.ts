// The request a log line belongs to. Fastify's onRequest hook enters a context holding the request id,
// so every line logged while that request is handled (by any service, through Nest's Logger) carries it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
