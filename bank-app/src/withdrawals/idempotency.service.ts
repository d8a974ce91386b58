// Idempotency-Key (IETF draft "The Idempotency-Key HTTP Header Field") for POST /moneywithdrawals.
//
// For one key, at most one request does the work and every retry within 24 h gets its response back:
//  1. A MariaDB/MySQL user lock named after the key, taken with GET_LOCK(name, 0) on the connection that
//     will run the transaction, makes "in flight" visible to every app instance: if another request
//     holds it, the answer is 409 at once. The server drops the lock if that connection dies, so a
//     crashed instance cannot leave a key stuck.
//  2. Inside one transaction: look the key up; a live record with the same request fingerprint is
//     replayed (status and body), with a different fingerprint it is 422; otherwise the withdrawal runs
//     and its response (202, or the 404/422 business error) is stored in the SAME transaction. Either
//     both the withdrawal and its record commit, or neither does: a retry can never withdraw twice,
//     and a record always describes what really happened.
//  3. The lock is released after the commit, so the next retry sees the record.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { domainProblem } from '../common/problem-details';
import { runInTransaction } from '../database/transaction';

/** How long a key's response is replayed (the draft leaves it to the server; 24 h is common). */
export const IDEMPOTENCY_TTL_HOURS = 24;

/** Business outcomes worth replaying: the same request would get the same answer again right now. */
const REPLAYABLE_ERRORS: ReadonlySet<DomainErrorCode> = new Set<DomainErrorCode>([
  'CARD_NOT_FOUND',
  'WITHDRAWAL_INSUFFICIENT_FUNDS',
]);

/** A response to send: the first one, or a replay of it. */
export interface IdempotentResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

export interface IdempotentRequest {
  key: string;
  /** Hash of what the request asks for; a retry must match it. */
  fingerprint: string;
  requestId: string;
}

interface StoredResponseRow {
  request_fingerprint: string;
  response_status: number;
  response_body: string;
  live: number | string;
}

/** A fingerprint of the meaningful parts of a request, independent of JSON formatting. */
export function fingerprintOf(...parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** User lock names are at most 64 characters: a prefix plus a hash of the (up to 255-char) key. */
export function lockNameFor(key: string): string {
  return `idem:${createHash('sha256').update(key).digest('hex').slice(0, 59)}`;
}

@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `action` at most once per key (see the header comment). `action` gets the query runner whose
   * transaction is open; its result becomes the 202 body, and a replayable DomainError it throws is
   * stored and answered like any response. Any other error rolls everything back and propagates.
   */
  async execute(
    request: IdempotentRequest,
    action: (runner: QueryRunner) => Promise<unknown>,
  ): Promise<IdempotentResponse> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const lockName = lockNameFor(request.key);
      const [{ acquired }] = (await runner.query('SELECT GET_LOCK(?, 0) AS acquired', [lockName])) as {
        acquired: number | null;
      }[];
      if (acquired === 0) {
        throw new DomainError(
          'IDEMPOTENCY_REQUEST_IN_FLIGHT',
          'A request with this Idempotency-Key is still being processed. Retry later.',
        );
      }
      if (acquired !== 1) throw new Error(`GET_LOCK(${lockName}) returned ${String(acquired)}`);

      try {
        return await runInTransaction(runner, () => this.respondOnce(runner, request, action));
      } finally {
        await this.releaseLock(runner, lockName);
      }
    } finally {
      await runner.release();
    }
  }

  private async respondOnce(
    runner: QueryRunner,
    request: IdempotentRequest,
    action: (runner: QueryRunner) => Promise<unknown>,
  ): Promise<IdempotentResponse> {
    const rows = (await runner.query(
      `SELECT request_fingerprint, response_status, response_body, expires_at > CURRENT_TIMESTAMP(6) AS live
         FROM idempotency_key WHERE client_key = ?`,
      [request.key],
    )) as StoredResponseRow[];
    const stored = rows[0];
    if (stored !== undefined && Number(stored.live) === 1) {
      if (stored.request_fingerprint !== request.fingerprint) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request body.',
        );
      }
      return {
        status: Number(stored.response_status),
        body: JSON.parse(stored.response_body),
        replayed: true,
      };
    }
    if (stored !== undefined) {
      // Expired but not yet cleaned up: it must never be replayed, and the key is free again.
      await runner.query('DELETE FROM idempotency_key WHERE client_key = ?', [request.key]);
    }

    let response: IdempotentResponse;
    try {
      response = { status: 202, body: await action(runner), replayed: false };
    } catch (error) {
      if (!(error instanceof DomainError) || !REPLAYABLE_ERRORS.has(error.code)) throw error;
      const problem = domainProblem(error);
      response = { status: problem.status, body: problem, replayed: false };
    }

    await runner.query(
      `INSERT INTO idempotency_key
         (client_key, request_fingerprint, response_status, response_body, request_id, expires_at)
       VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6) + INTERVAL ${IDEMPOTENCY_TTL_HOURS} HOUR)`,
      [request.key, request.fingerprint, response.status, JSON.stringify(response.body), request.requestId],
    );
    return response;
  }

  private async releaseLock(runner: QueryRunner, lockName: string): Promise<void> {
    try {
      await runner.query('DO RELEASE_LOCK(?)', [lockName]);
    } catch (error) {
      // The lock must not go back to the pool with the connection: drop the connection instead
      // (closing it releases the lock on the server).
      this.logger.warn(`RELEASE_LOCK failed, discarding the connection: ${String(error)}`);
      (runner as QueryRunner & { databaseConnection?: { destroy(): void } }).databaseConnection?.destroy();
    }
  }
}
