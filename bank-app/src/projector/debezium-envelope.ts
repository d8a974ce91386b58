// The contract between Debezium and the projector: what a `debit_card` change event looks like, and
// what it means for the mini statement. Pure functions, tested on events captured from the real
// connector (test/fixtures/debezium). Both JSON converter shapes are accepted: the bare envelope
// (schemas disabled, the local stack) and {"schema","payload"} (the Debezium image's default).
import { decimalToCents, formatCents, type Cents } from '../common/money';

/** The columns of `debit_card` the projector reads from a change event's before/after images. */
export interface DebitCardRow {
  id: string;
  usedLimit: Cents;
  version: number;
  lastWithdrawalId: string | null;
  lastRequestId: string | null;
  /** TIMESTAMP(6) set by the withdrawal's UPDATE, as Debezium writes it: ISO-8601 UTC, microseconds. */
  lastWithdrawnAt: string | null;
}

/** A withdrawal derived from an update: the statement line and the `ministatement` message. */
export interface Withdrawal {
  id: string;
  debitCardId: string;
  amount: Cents;
  version: number;
  /** ISO-8601 UTC with microseconds, exactly as the database recorded it. */
  transactionDate: string;
  requestId: string | null;
}

/** What one Kafka record of the `debit_card` topic means for the read model. */
export type ChangeMeaning =
  | { kind: 'withdrawal'; withdrawal: Withdrawal }
  /** A snapshot read or a create: the card's starting point, not a withdrawal. */
  | { kind: 'baseline'; debitCardId: string; usedLimit: Cents; version: number }
  /** Nothing for the statement: a tombstone, a delete, an update that withdrew nothing. */
  | { kind: 'ignored'; reason: string };

/** An event that can never be processed: it goes to the dead-letter topic with this reason. */
export class PoisonEventError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonEventError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The envelope itself, whichever converter shape carried it. */
function unwrap(value: unknown): Json {
  if (!isObject(value)) throw new PoisonEventError('the value is not a JSON object');
  if ('payload' in value && 'schema' in value) {
    if (!isObject(value.payload)) throw new PoisonEventError('"payload" is not a JSON object');
    return value.payload;
  }
  return value;
}

function text(row: Json, column: string, nullable: true): string | null;
function text(row: Json, column: string, nullable?: false): string;
function text(row: Json, column: string, nullable = false): string | null {
  const value = row[column];
  if (value === null && nullable) return null;
  if (typeof value !== 'string') throw new PoisonEventError(`column ${column} is not a string`);
  return value;
}

function parseRow(value: unknown, image: 'before' | 'after'): DebitCardRow {
  if (!isObject(value)) throw new PoisonEventError(`"${image}" is missing`);
  const version = value.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw new PoisonEventError(`${image}.version is not a non-negative integer`);
  }
  let usedLimit: Cents;
  try {
    usedLimit = decimalToCents(text(value, 'used_limit'));
  } catch (error) {
    if (error instanceof PoisonEventError) throw error;
    // A base64 decimal means the connector lost decimal.handling.mode=string.
    throw new PoisonEventError(`${image}.used_limit is not a decimal string`);
  }
  return {
    id: text(value, 'id'),
    usedLimit,
    version,
    lastWithdrawalId: text(value, 'last_withdrawal_id', true),
    lastRequestId: text(value, 'last_request_id', true),
    lastWithdrawnAt: text(value, 'last_withdrawn_at', true),
  };
}

/** Parses the JSON of a record value; a null value is Debezium's tombstone after a delete. */
export function parseRecordValue(raw: Buffer | string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw.toString()) as unknown;
  } catch {
    throw new PoisonEventError('the value is not JSON');
  }
}

/**
 * What a change event means for the statement. Throws PoisonEventError for events that are malformed
 * or impossible (a negative delta would mean money appeared on the card without a credit operation).
 */
export function interpretChangeEvent(value: unknown): ChangeMeaning {
  if (value === null) return { kind: 'ignored', reason: 'tombstone' };
  const envelope = unwrap(value);
  const op = envelope.op;
  if (typeof op !== 'string') throw new PoisonEventError('"op" is missing');
  switch (op) {
    case 'r':
    case 'c': {
      const after = parseRow(envelope.after, 'after');
      return { kind: 'baseline', debitCardId: after.id, usedLimit: after.usedLimit, version: after.version };
    }
    case 'u':
      return interpretUpdate(parseRow(envelope.before, 'before'), parseRow(envelope.after, 'after'));
    case 'd':
      return { kind: 'ignored', reason: 'delete' };
    default:
      throw new PoisonEventError(`unknown op "${op}"`);
  }
}

function interpretUpdate(before: DebitCardRow, after: DebitCardRow): ChangeMeaning {
  if (before.id !== after.id) throw new PoisonEventError('the card id changed');
  const delta = after.usedLimit - before.usedLimit;
  if (delta === 0n) return { kind: 'ignored', reason: 'no change of used_limit' };
  if (delta < 0n) throw new PoisonEventError(`negative used_limit delta ${formatCents(delta)}`);
  if (after.version !== before.version + 1) {
    throw new PoisonEventError(`version went from ${before.version} to ${after.version}, expected +1`);
  }
  if (after.lastWithdrawalId === null || after.lastWithdrawnAt === null) {
    throw new PoisonEventError('a withdrawal without last_withdrawal_id or last_withdrawn_at');
  }
  // An unreadable timestamp is rejected now, not while publishing (Date.parse is cheaper than toMillisIso).
  if (Number.isNaN(Date.parse(after.lastWithdrawnAt))) {
    throw new PoisonEventError(`not a timestamp: ${after.lastWithdrawnAt}`);
  }
  return {
    kind: 'withdrawal',
    withdrawal: {
      id: after.lastWithdrawalId,
      debitCardId: after.id,
      amount: delta,
      version: after.version,
      transactionDate: after.lastWithdrawnAt,
      requestId: after.lastRequestId,
    },
  };
}

/** ISO-8601 UTC with milliseconds, the statement's and the message's format: "…T12:00:00.123Z". */
export function toMillisIso(microsIso: string): string {
  const date = new Date(microsIso);
  if (Number.isNaN(date.getTime())) throw new PoisonEventError(`not a timestamp: ${microsIso}`);
  return date.toISOString();
}

/** The `ministatement` message value (its fields are described in docs/messages.md). */
export function ministatementMessage(withdrawal: Withdrawal) {
  return {
    id: withdrawal.id,
    debitCardId: withdrawal.debitCardId,
    amount: formatCents(withdrawal.amount),
    amountMinor: Number(withdrawal.amount),
    transactionDate: toMillisIso(withdrawal.transactionDate),
    version: withdrawal.version,
    requestId: withdrawal.requestId,
  };
}
