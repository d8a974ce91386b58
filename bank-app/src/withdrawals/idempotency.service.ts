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
//  3. The lock is released right after the commit, so the next retry sees the record.
// Two round trips: (lock, begin, look up, the work), then (store, commit, unlock). The work is sent
// before the look-up's answer is known, so each change it makes is guarded in SQL (KEY_GUARD_SQL):
// it applies only if this connection got the key's lock. If the look-up then finds a live record (a
// retry), the transaction is rolled back, undoing the work. (The guard does not read idempotency_key:
// inside an UPDATE that read would take gap locks, and requests with other keys would deadlock on
// them.) On any failure the connection is destroyed (CommandPool), which rolls back and releases the
// lock on the server.
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { domainProblem } from '../common/problem-details';
import { CommandPool } from '../database/command-pool';

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

interface StoredResponseRow extends RowDataPacket {
  request_fingerprint: string;
  response_status: number;
  response_body: string;
  live: number | string;
}

/** Round trip 1, followed by the work's statements. */
const LOCK_BEGIN_LOOKUP_SQL = `
  SELECT GET_LOCK(?, 0) AS acquired;
  START TRANSACTION;
  SELECT request_fingerprint, response_status, response_body, expires_at > CURRENT_TIMESTAMP(6) AS live
    FROM idempotency_key WHERE client_key = ?;`;

/** Results of LOCK_BEGIN_LOOKUP_SQL before the work's own: lock, transaction, look-up. */
const LOOKUP_RESULTS = 3;

/** The condition each change of the work adds to its WHERE (see the header comment)... */
export const KEY_GUARD_SQL = 'IS_USED_LOCK(?) = CONNECTION_ID()';

/** ...and its values. */
export function keyGuardValues(key: string): string[] {
  return [lockNameFor(key)];
}

/** Round trip 2 (an expired record, never replayed, is deleted first: the key is free again). */
const DELETE_EXPIRED_SQL = 'DELETE FROM idempotency_key WHERE client_key = ?;';
const STORE_COMMIT_UNLOCK_SQL = `
  INSERT INTO idempotency_key
    (client_key, request_fingerprint, response_status, response_body, request_id, expires_at)
  VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6) + INTERVAL ${IDEMPOTENCY_TTL_HOURS} HOUR);
  COMMIT;
  DO RELEASE_LOCK(?)`;

/**
 * The work sent with the key look-up: statements whose every change has KEY_GUARD_SQL in its WHERE,
 * and how to read their results (the 202 body, or a thrown DomainError).
 */
export interface GuardedWork {
  sql: string;
  values: unknown[];
  result(statementResults: unknown[]): unknown;
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
  constructor(private readonly pool: CommandPool) {}

  /**
   * Runs `work` at most once per key (see the header comment). Its result becomes the 202 body, and
   * a replayable DomainError it throws is stored and answered like any response. Any other error
   * rolls everything back and propagates.
   */
  async execute(request: IdempotentRequest, work: GuardedWork): Promise<IdempotentResponse> {
    // A refusal (409, 422) comes back as a value, so the clean connection returns to the pool.
    const outcome = await this.pool.withConnection((connection) =>
      this.respondOnce(connection, request, work),
    );
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  private async respondOnce(
    connection: PoolConnection,
    request: IdempotentRequest,
    work: GuardedWork,
  ): Promise<IdempotentResponse | DomainError> {
    const lockName = lockNameFor(request.key);
    const [results] = await connection.query(LOCK_BEGIN_LOOKUP_SQL + work.sql, [
      lockName,
      request.key,
      ...work.values,
    ]);
    const statements = results as unknown[];
    const [[lock], , [stored]] = statements as [{ acquired: number | null }[], unknown, StoredResponseRow[]];
    if (lock?.acquired !== 1) {
      await connection.query('ROLLBACK');
      if (lock?.acquired === 0) {
        return new DomainError(
          'IDEMPOTENCY_REQUEST_IN_FLIGHT',
          'A request with this Idempotency-Key is still being processed. Retry later.',
        );
      }
      throw new Error(`GET_LOCK(${lockName}) returned ${String(lock?.acquired)}`);
    }

    if (stored !== undefined && Number(stored.live) === 1) {
      await connection.query('ROLLBACK; DO RELEASE_LOCK(?)', [lockName]);
      if (stored.request_fingerprint !== request.fingerprint) {
        return new DomainError(
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
    const expired = stored !== undefined;
    let response: IdempotentResponse;
    try {
      response = { status: 202, body: work.result(statements.slice(LOOKUP_RESULTS)), replayed: false };
    } catch (error) {
      if (!(error instanceof DomainError) || !REPLAYABLE_ERRORS.has(error.code)) throw error;
      const problem = domainProblem(error);
      response = { status: problem.status, body: problem, replayed: false };
    }

    // If this fails (the connection lost before COMMIT answered), the error propagates as a 503 and
    // the client retries with its key: it gets the stored response, or the withdrawal runs then.
    await connection.query((expired ? DELETE_EXPIRED_SQL : '') + STORE_COMMIT_UNLOCK_SQL, [
      ...(expired ? [request.key] : []),
      request.key,
      request.fingerprint,
      response.status,
      JSON.stringify(response.body),
      request.requestId,
      lockName,
    ]);
    return response;
  }
}
