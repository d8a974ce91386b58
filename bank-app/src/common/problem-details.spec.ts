import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, DomainErrorCode, validationError } from './domain-error';
import { RETRY_AFTER_SECONDS, toProblem } from './problem-details';

/** An error shaped like mysql2's. */
function driverError(code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('toProblem', () => {
  it.each<[DomainErrorCode, number, string]>([
    ['MALFORMED_JSON', 400, '/problems/malformed-json'],
    ['VALIDATION_FAILED', 400, '/problems/validation-error'],
    ['CARD_NOT_FOUND', 404, '/problems/card-not-found'],
    ['CARD_ALREADY_EXISTS', 409, '/problems/card-already-exists'],
    ['WITHDRAWAL_INSUFFICIENT_FUNDS', 422, '/problems/insufficient-funds'],
    ['IDEMPOTENCY_KEY_REUSED', 422, '/problems/idempotency-key-reused'],
    ['IDEMPOTENCY_REQUEST_IN_FLIGHT', 409, '/problems/idempotency-request-in-flight'],
  ])('maps %s to %i %s', (code, status, type) => {
    const { body, headers } = toProblem(new DomainError(code, 'the detail'));

    expect(body).toEqual({ type, title: expect.any(String) as unknown, status, detail: 'the detail' });
    expect(headers).toEqual({});
  });

  it.each<[DomainErrorCode, string, number]>([
    ['ANALYTICS_UNAVAILABLE', '/problems/analytics-unavailable', 5],
    ['NOT_READY', '/problems/not-ready', RETRY_AFTER_SECONDS],
  ])('maps the transient %s to 503 %s with Retry-After', (code, type, seconds) => {
    const { body, headers } = toProblem(new DomainError(code, 'the detail'));

    expect(body).toEqual({ type, title: expect.any(String) as unknown, status: 503, detail: 'the detail' });
    expect(headers).toEqual({ 'retry-after': String(seconds) });
  });

  it('lists field errors for a validation error', () => {
    const errors = [{ pointer: '#/amount', detail: 'must be at least 0.01' }];

    expect(toProblem(validationError(errors)).body.errors).toEqual(errors);
  });

  it.each([
    ['connection refused', driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306')],
    [
      'connection lost',
      driverError('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.'),
    ],
    ['connect timeout', driverError('ETIMEDOUT', 'connect ETIMEDOUT')],
    ['server shutdown', driverError('ER_SERVER_SHUTDOWN', 'Server shutdown in progress')],
    ['pool queue full', driverError(undefined, 'Queue limit reached.')],
    ['closed connection', driverError(undefined, "Can't add new command when connection is in closed state")],
    [
      'lock wait timeout inside a QueryFailedError',
      new QueryFailedError(
        'UPDATE debit_card SET …',
        [],
        driverError('ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout'),
      ),
    ],
    ['wrapped as a cause', new Error('outer', { cause: driverError('ECONNRESET', 'read ECONNRESET') })],
  ])('maps a database outage (%s) to 503 with Retry-After and no driver text', (_label, error) => {
    const { body, headers } = toProblem(error);

    expect(body.status).toBe(503);
    expect(body.type).toBe('/problems/service-unavailable');
    expect(headers).toEqual({ 'retry-after': String(RETRY_AFTER_SECONDS) });
    expect(JSON.stringify(body)).not.toMatch(/UPDATE|ECONN|Lock wait|Queue/);
  });

  it('maps an SQL error that is not an outage to a generic 500 without the SQL or the message', () => {
    const error = new QueryFailedError(
      'SELECT secret FROM debit_card',
      [],
      driverError('ER_BAD_FIELD_ERROR', "Unknown column 'secret'"),
    );

    const { body } = toProblem(error);

    expect(body).toEqual({
      type: '/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred.',
    });
  });

  it('maps an unknown route to /problems/not-found', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope')).body).toMatchObject({
      status: 404,
      type: '/problems/not-found',
      detail: 'No such resource.',
    });
  });

  it.each([
    [413, '/problems/payload-too-large'],
    [415, '/problems/unsupported-media-type'],
  ])('maps the body parser status %i to %s', (status, type) => {
    expect(toProblem(new HttpException('from fastify', status)).body).toMatchObject({ status, type });
  });

  it('maps other client errors to about:blank with the status reason and a fixed detail', () => {
    expect(toProblem(new BadRequestException('FST_ERR_CTP_INVALID_CONTENT_LENGTH internals')).body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request could not be processed.',
    });
  });

  it('never exposes a thrown non-error value', () => {
    expect(toProblem('boom').body.status).toBe(500);
  });
});
