// Maps any error to an RFC 9457 problem document. Pure functions, so the mapping is unit-tested
// without an HTTP server; problem-details.filter.ts only writes the result.
import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailableError } from '../database/database-errors';
import { DomainError, DomainErrorCode, FieldError } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 2;

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export interface ProblemResponse {
  body: ProblemDocument;
  /** Extra response headers, e.g. Retry-After on a 503. */
  headers: Record<string, string>;
}

interface ProblemKind {
  status: number;
  type: string;
  title: string;
  /** Sets Retry-After (seconds): the condition is transient and the client may simply retry. */
  retryAfterSeconds?: number;
}

/** One entry per domain error code: the stable `type` URI clients may switch on. */
const DOMAIN_PROBLEMS: Record<DomainErrorCode, ProblemKind> = {
  MALFORMED_JSON: { status: 400, type: '/problems/malformed-json', title: 'Malformed JSON' },
  VALIDATION_FAILED: { status: 400, type: '/problems/validation-error', title: 'Invalid request' },
  CARD_NOT_FOUND: { status: 404, type: '/problems/card-not-found', title: 'Debit card not found' },
  CARD_ALREADY_EXISTS: {
    status: 409,
    type: '/problems/card-already-exists',
    title: 'Debit card already exists',
  },
  WITHDRAWAL_INSUFFICIENT_FUNDS: {
    status: 422,
    type: '/problems/insufficient-funds',
    title: 'Insufficient funds',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    type: '/problems/idempotency-key-reused',
    title: 'Idempotency key reused with a different request',
  },
  IDEMPOTENCY_REQUEST_IN_FLIGHT: {
    status: 409,
    type: '/problems/idempotency-request-in-flight',
    title: 'A request with this idempotency key is in progress',
  },
  // Druid (the OLAP store behind GET /analytics/*) is down, restarting or too slow to answer.
  ANALYTICS_UNAVAILABLE: {
    status: 503,
    type: '/problems/analytics-unavailable',
    title: 'Analytics unavailable',
    retryAfterSeconds: 5,
  },
  // GET /health/ready when a hop of the pipeline is not ready (the body also lists every check).
  NOT_READY: {
    status: 503,
    type: '/problems/not-ready',
    title: 'Not ready',
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  },
};

/**
 * HTTP-level errors raised by Nest or Fastify before our code runs (unknown route, body too large,
 * unsupported content type). Nest hands Fastify's errors over as HttpException with their status.
 */
const HTTP_PROBLEMS: Partial<Record<number, Omit<ProblemKind, 'status'> & { detail: string }>> = {
  404: { type: '/problems/not-found', title: 'Not found', detail: 'No such resource.' },
  413: {
    type: '/problems/payload-too-large',
    title: 'Payload too large',
    detail: 'The request body exceeds 16 KiB.',
  },
  415: {
    type: '/problems/unsupported-media-type',
    title: 'Unsupported media type',
    detail: 'The request body must be JSON with Content-Type: application/json.',
  },
};

const SERVICE_UNAVAILABLE: ProblemDocument = {
  type: '/problems/service-unavailable',
  title: 'Service unavailable',
  status: 503,
  detail: 'The database is unavailable or overloaded. Retry later.',
};

const INTERNAL_ERROR: ProblemDocument = {
  type: '/problems/internal-error',
  title: 'Internal server error',
  status: 500,
  detail: 'An unexpected error occurred.',
};

/** The problem document for a domain error (also what an idempotent request stores for replay). */
export function domainProblem(error: DomainError): ProblemDocument {
  const { type, title, status } = DOMAIN_PROBLEMS[error.code];
  const body: ProblemDocument = { type, title, status, detail: error.detail };
  if (error.errors.length > 0) body.errors = error.errors;
  return body;
}

/** Response headers that go with a domain error: Retry-After for the transient ones. */
export function domainProblemHeaders(code: DomainErrorCode): Record<string, string> {
  const { retryAfterSeconds } = DOMAIN_PROBLEMS[code];
  return retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
}

/**
 * Maps any thrown value. Only domain errors and a fixed table of texts reach the client: a driver
 * error's message (which may quote SQL) or a stack trace never does.
 */
export function toProblem(error: unknown): ProblemResponse {
  if (error instanceof DomainError) {
    return { body: domainProblem(error), headers: domainProblemHeaders(error.code) };
  }
  if (isDatabaseUnavailableError(error)) {
    return { body: SERVICE_UNAVAILABLE, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const known = HTTP_PROBLEMS[status];
    if (known !== undefined) {
      const { type, title, detail } = known;
      return { body: { type, title, status, detail }, headers: {} };
    }
    if (status >= 400 && status < 500) {
      // Any other client error (e.g. a bad Content-Length): "about:blank" means "just the status".
      const title = STATUS_CODES[status] ?? 'Client error';
      return {
        body: { type: 'about:blank', title, status, detail: 'The request could not be processed.' },
        headers: {},
      };
    }
  }
  return { body: INTERNAL_ERROR, headers: {} };
}
