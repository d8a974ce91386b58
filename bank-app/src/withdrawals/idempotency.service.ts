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
//
// Batches: the keyed requests waiting at one moment run together, up to MAX_BATCH of them in one
// transaction on one connection, in two round trips: (the locks, begin, the look-ups, the work of
// every request, as their WorkKind writes it), then (the records, commit, unlock). Per withdrawal
// that is a fraction of a round trip and of a commit instead of two round trips, eight statements and
// a commit of its own, which is what made the command's throughput (docs/benchmarks.md). A request
// never waits for a batch to fill: a batch starts as soon as fewer than MAX_CONCURRENT_BATCHES are
// running, with whatever is queued. The price is shared fate: if the transaction fails (a deadlock, a
// lock wait timeout, the connection lost), every request in it gets the 503 and retries with its key.
//
// The work is sent before the look-ups' answers are known, so each change it makes is guarded in SQL
// (KEY_GUARD_SQL): it applies only if this connection got the key's lock. If a look-up then finds a
// live record (a retry), the whole transaction is rolled back, that request is answered with the
// replay, and the others run again as a new batch. (The guard does not read idempotency_key: inside
// an UPDATE that read would take gap locks, and requests with other keys would deadlock on them.) On
// any failure the connection is destroyed (CommandPool), which rolls back and releases the locks.
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { domainProblem } from '../common/problem-details';
import { AppConfig } from '../config/app-config';
import { CommandPool } from '../database/command-pool';
import { COMMAND_QUEUE_FULL } from '../database/database-errors';

/** How long a key's response is replayed (the draft leaves it to the server; 24 h is common). */
export const IDEMPOTENCY_TTL_HOURS = 24;

/**
 * At most this many requests per transaction. The bigger the batch, the more withdrawals share its
 * round trips and its commit, and the higher the rate (docs/benchmarks.md has the measurements).
 */
const MAX_BATCH = 32;
/**
 * Batches running at once, each on its own connection; requests arriving meanwhile queue for the next.
 * One at a time makes the batches biggest, so their fixed cost (two round trips, a commit) is shared
 * most: compared through HTTP with two and three at once (docs/benchmarks.md), one gave the highest
 * rate at concurrency 32 and no worse a tail at a steady rate. The price: while a batch waits on a row
 * lock, this instance's keyed withdrawals wait too.
 */
export const MAX_CONCURRENT_BATCHES = 1;

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

/** A work's outcome: its 202 body, or the error it ends in (a replayable DomainError is stored). */
export type WorkOutcome = { body: unknown } | { error: unknown };

/**
 * How the works of one kind (`Work`: one request's) run together in a batch, sent with the keys'
 * look-up: statements whose every change has its request's KEY_GUARD_SQL in its WHERE, and each
 * work's outcome read from their results. The statements must lock rows in one order whatever the
 * batch holds, so that concurrent batches cannot deadlock.
 */
export interface WorkKind<Work> {
  sql(works: Work[]): { sql: string; values: unknown[] };
  /** One outcome per work, in order, from the results of `sql(works)`. */
  outcomes(works: Work[], results: unknown[]): WorkOutcome[];
}

/** The condition each change of the work adds to its WHERE (see the header comment)... */
export const KEY_GUARD_SQL = 'IS_USED_LOCK(?) = CONNECTION_ID()';

/** ...and its values. */
export function keyGuardValues(key: string): string[] {
  return [lockNameFor(key)];
}

/** A fingerprint of the meaningful parts of a request, independent of JSON formatting. */
export function fingerprintOf(...parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** User lock names are at most 64 characters: a prefix plus a hash of the (up to 255-char) key. */
export function lockNameFor(key: string): string {
  return `idem:${createHash('sha256').update(key).digest('hex').slice(0, 59)}`;
}

interface StoredResponseRow extends RowDataPacket {
  client_key: string;
  request_fingerprint: string;
  response_status: number;
  response_body: string;
  live: number | string;
}

// Hand SQL, not the repository: a batch's statements share two round trips, which is the command's
// hot path (docs/benchmarks.md, "Batches of keyed withdrawals").
/** Round trip 1, followed by the works' statements: one row with a column per lock, begin, look-ups. */
function lockBeginLookupSql(requests: number): string {
  const locks = Array.from({ length: requests }, (_, index) => `GET_LOCK(?, 0) AS lock${index}`);
  return `
  SELECT ${locks.join(', ')};
  START TRANSACTION;
  SELECT client_key, request_fingerprint, response_status, response_body,
         expires_at > CURRENT_TIMESTAMP(6) AS live
    FROM idempotency_key WHERE client_key IN (?);`;
}

/** Results of lockBeginLookupSql before the works' own. */
const LOOKUP_RESULTS = 3;

/** Round trip 2 (an expired record, never replayed, is deleted first: the key is free again). */
function storeCommitUnlockSql(records: number, expired: number, locks: number): string {
  const deleteExpired = expired > 0 ? 'DELETE FROM idempotency_key WHERE client_key IN (?);' : '';
  const row = `(?, ?, ?, ?, ?, CURRENT_TIMESTAMP(6) + INTERVAL ${IDEMPOTENCY_TTL_HOURS} HOUR)`;
  return `${deleteExpired}
  INSERT INTO idempotency_key
    (client_key, request_fingerprint, response_status, response_body, request_id, expires_at)
  VALUES ${Array(records).fill(row).join(', ')};
  COMMIT;
  ${releaseSql(locks)}`;
}

/** Releases `locks` user locks (none: a harmless no-op). */
function releaseSql(locks: number): string {
  return locks === 0 ? 'DO 0' : `DO ${Array(locks).fill('RELEASE_LOCK(?)').join(', ')}`;
}

/** A request waiting for, or running in, a batch; settled exactly once. */
class QueuedRequest {
  readonly lockName: string;
  settled = false;
  readonly answer: Promise<IdempotentResponse | DomainError>;
  private resolveAnswer!: (outcome: IdempotentResponse | DomainError) => void;
  private rejectAnswer!: (error: unknown) => void;

  constructor(
    readonly request: IdempotentRequest,
    readonly work: unknown,
    readonly kind: WorkKind<unknown>,
  ) {
    this.lockName = lockNameFor(request.key);
    this.answer = new Promise((resolve, reject) => {
      this.resolveAnswer = resolve;
      this.rejectAnswer = reject;
    });
  }

  /** A response, or a refusal (409, 422) returned as a value. */
  settle(outcome: IdempotentResponse | DomainError): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveAnswer(outcome);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectAnswer(error);
  }
}

/** What round trip 1 told about one request. */
type FirstTripOutcome =
  /** Its work ran; its response is to be stored and committed. */
  | { kind: 'store'; response: IdempotentResponse; expired: boolean }
  /** Answered without its work having changed anything (no lock: 409, or an error). */
  | { kind: 'unchanged'; settle: (queued: QueuedRequest) => void }
  /** Its work ran but must not commit (a replay, a reused key, an unexpected result). */
  | { kind: 'undo'; settle: (queued: QueuedRequest) => void };

@Injectable()
export class IdempotencyService {
  private readonly queue: QueuedRequest[] = [];
  private runningBatches = 0;
  private readonly queueLimit: number;

  constructor(
    private readonly pool: CommandPool,
    config: AppConfig,
  ) {
    this.queueLimit = config.database.poolQueueLimit;
  }

  /** Requests waiting for a batch to take them (tests and diagnostics). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Batches running now. */
  get running(): number {
    return this.runningBatches;
  }

  /**
   * Runs `work` at most once per key (see the header comment), in a batch with other works of its
   * `kind`. Its body is answered with 202, and a replayable DomainError it ends in is stored and
   * answered like any response. Any other error rolls everything back and propagates.
   */
  async execute<Work>(
    request: IdempotentRequest,
    work: Work,
    kind: WorkKind<Work>,
  ): Promise<IdempotentResponse> {
    // Bounded like the pool's own queue: an overloaded database answers 503 at once.
    if (this.queue.length >= this.queueLimit) throw new Error(COMMAND_QUEUE_FULL);
    // The queue holds works of any kind; a batch only ever passes a kind its own works (takeBatch).
    const queued = new QueuedRequest(request, work, kind);
    this.queue.push(queued);
    this.startBatches();
    const outcome = await queued.answer;
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  private startBatches(): void {
    while (this.runningBatches < MAX_CONCURRENT_BATCHES && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.runningBatches++;
      void this.runBatch(batch).finally(() => {
        this.runningBatches--;
        this.startBatches();
      });
    }
  }

  /**
   * Up to MAX_BATCH queued requests of one kind, oldest first, at most one per key: on one
   * connection a second GET_LOCK of the same name succeeds too, so two requests with one key must
   * never share a batch.
   */
  private takeBatch(): QueuedRequest[] {
    const batch: QueuedRequest[] = [];
    const locks = new Set<string>();
    const { kind } = this.queue[0];
    for (let index = 0; index < this.queue.length && batch.length < MAX_BATCH;) {
      const queued = this.queue[index];
      if (queued.kind !== kind || locks.has(queued.lockName)) {
        index++;
        continue;
      }
      locks.add(queued.lockName);
      batch.push(queued);
      this.queue.splice(index, 1);
    }
    return batch;
  }

  private async runBatch(batch: QueuedRequest[]): Promise<void> {
    try {
      await this.pool.withConnection(async (connection) => {
        let toRun = batch;
        while (toRun.length > 0) toRun = await this.runOnce(connection, toRun);
      });
    } catch (error) {
      for (const queued of batch) queued.fail(error);
    }
  }

  /**
   * One transaction for `batch`. Settles every request it can; returns those to run again in a new
   * transaction (after a rollback forced by another request of the batch).
   */
  private async runOnce(connection: PoolConnection, batch: QueuedRequest[]): Promise<QueuedRequest[]> {
    const { kind } = batch[0];
    const works = batch.map(({ work }) => work);
    const work = kind.sql(works);
    const [results] = await connection.query(lockBeginLookupSql(batch.length) + work.sql, [
      ...batch.map(({ lockName }) => lockName),
      batch.map(({ request }) => request.key),
      ...work.values,
    ]);
    const statements = results as unknown[];
    const [locks] = statements[0] as Record<string, number | null>[];
    const stored = new Map(
      (statements[2] as StoredResponseRow[]).map((row) => [row.client_key, row] as const),
    );
    const workOutcomes = kind.outcomes(works, statements.slice(LOOKUP_RESULTS));
    const outcomes = batch.map((queued, index) =>
      firstTripOutcome(queued, locks[`lock${index}`], stored.get(queued.request.key), workOutcomes[index]),
    );
    const acquired = batch.filter((_, index) => locks[`lock${index}`] === 1).map((q) => q.lockName);

    const toStore = batch
      .map((queued, index) => ({ queued, outcome: outcomes[index] }))
      .filter(
        (entry): entry is { queued: QueuedRequest; outcome: FirstTripOutcome & { kind: 'store' } } =>
          entry.outcome.kind === 'store',
      );
    // A request whose work must not commit takes the whole transaction down; those that were to be
    // stored run again in a new one.
    const rollBack = toStore.length === 0 || outcomes.some(({ kind }) => kind === 'undo');
    if (rollBack) {
      await connection.query(`ROLLBACK; ${releaseSql(acquired.length)}`, acquired);
    } else {
      // If this fails (the connection lost before COMMIT answered), the error propagates as a 503 and
      // each client retries with its key: it gets the stored response, or the withdrawal runs then.
      const expired = toStore
        .filter(({ outcome }) => outcome.expired)
        .map(({ queued }) => queued.request.key);
      await connection.query(storeCommitUnlockSql(toStore.length, expired.length, acquired.length), [
        ...(expired.length > 0 ? [expired] : []),
        ...toStore.flatMap(({ queued: { request }, outcome: { response } }) => [
          request.key,
          request.fingerprint,
          response.status,
          JSON.stringify(response.body),
          request.requestId,
        ]),
        ...acquired,
      ]);
    }
    outcomes.forEach((outcome, index) => {
      if (outcome.kind !== 'store') outcome.settle(batch[index]);
      else if (!rollBack) batch[index].settle(outcome.response);
    });
    return rollBack ? toStore.map(({ queued }) => queued) : [];
  }
}

/** What one request's part of round trip 1 means (see FirstTripOutcome). */
function firstTripOutcome(
  queued: QueuedRequest,
  lock: number | null | undefined,
  stored: StoredResponseRow | undefined,
  workOutcome: WorkOutcome,
): FirstTripOutcome {
  if (lock === 0) {
    const inFlight = new DomainError(
      'IDEMPOTENCY_REQUEST_IN_FLIGHT',
      'A request with this Idempotency-Key is still being processed. Retry later.',
    );
    return { kind: 'unchanged', settle: (q) => q.settle(inFlight) };
  }
  if (lock !== 1) {
    const error = new Error(`GET_LOCK(${queued.lockName}) returned ${String(lock)}`);
    return { kind: 'unchanged', settle: (q) => q.fail(error) };
  }
  if (stored !== undefined && Number(stored.live) === 1) {
    const replay =
      stored.request_fingerprint !== queued.request.fingerprint
        ? new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was already used with a different request body.',
          )
        : {
            status: Number(stored.response_status),
            body: JSON.parse(stored.response_body) as unknown,
            replayed: true,
          };
    return { kind: 'undo', settle: (q) => q.settle(replay) };
  }
  const expired = stored !== undefined;
  if ('body' in workOutcome) {
    return { kind: 'store', response: { status: 202, body: workOutcome.body, replayed: false }, expired };
  }
  const { error } = workOutcome;
  if (!(error instanceof DomainError) || !REPLAYABLE_ERRORS.has(error.code)) {
    return { kind: 'undo', settle: (q) => q.fail(error) };
  }
  const problem = domainProblem(error);
  return { kind: 'store', response: { status: problem.status, body: problem, replayed: false }, expired };
}
