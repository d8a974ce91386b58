// The command: withdraw money from a card. One conditional UPDATE does the check and the write
// atomically (no read-then-write, so concurrent withdrawals can neither overdraw nor lose an update);
// Debezium picks the UPDATE up from the binlog and the projector turns it into a statement line.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DomainError } from '../common/domain-error';
import { decimalToCents, formatCents } from '../common/money';
import { CommandPool } from '../database/command-pool';
import {
  fingerprintOf,
  IdempotencyService,
  IdempotentResponse,
  KEY_GUARD_SQL,
  keyGuardValues,
  WorkKind,
  WorkOutcome,
} from './idempotency.service';
import type { WithdrawalCommand } from './withdrawal.dto';

/** The 202 body. */
export interface WithdrawalReceipt {
  /** Generated here; the statement line for this withdrawal will carry it as its id. */
  withdrawalId: string;
  debitCardId: string;
  amount: string;
  availableBalance: string;
  /** The card's version after this withdrawal. */
  version: number;
}

// Hand SQL, not the repository: these statements travel inside IdempotencyService's batches, the
// command's hot path (docs/benchmarks.md, "Batches of keyed withdrawals").
/**
 * The business rule is one conditional UPDATE per withdrawal: it checks and writes atomically (no
 * read-then-write decides anything, so concurrent withdrawals can neither overdraw nor lose an update).
 * Before the UPDATEs, one locking read takes every card's row lock, in index order, and returns the
 * cards as they are; each UPDATE then only says whether it applied (affectedRows), and the receipts
 * are the cards' states stepped forward by the applied amounts. Nothing else can change a card between
 * that read and the commit, because this transaction holds its row lock. Taking all the locks in one
 * read, in index order, is also why two batches never deadlock on cards.
 * CAST: mysql2 sends the amount as a quoted string, and MySQL/MariaDB would evaluate
 * `DECIMAL + 'string'` in DOUBLE; the cast keeps it exact DECIMAL. last_* columns travel with the
 * change event to the projector. `guard` is an extra condition (the idempotency key's, when there is one).
 */
const LOCK_CARDS_SQL = `
  SELECT id, initial_limit, used_limit, version FROM debit_card WHERE id IN (?) FOR UPDATE`;

function withdrawSql(guard: string): string {
  return `
  UPDATE debit_card
     SET used_limit = used_limit + CAST(? AS DECIMAL(18,2)),
         version = version + 1,
         last_withdrawal_id = ?,
         last_request_id = ?,
         last_withdrawn_at = CURRENT_TIMESTAMP(6)
   WHERE id = ?
     AND used_limit + CAST(? AS DECIMAL(18,2)) <= initial_limit${guard}`;
}

const WITHDRAW_SQL = withdrawSql('');
/** With a key: guarded by the key's lock (IdempotencyService). */
const WITHDRAW_GUARDED_SQL = withdrawSql(` AND ${KEY_GUARD_SQL}`);

interface LockedCard extends RowDataPacket {
  id: string;
  initial_limit: string;
  used_limit: string;
  version: string;
}

/** One withdrawal's statement values and what its receipt needs to know. */
class PreparedWithdrawal {
  readonly withdrawalId = randomUUID();
  readonly amount: string;

  constructor(
    readonly command: WithdrawalCommand,
    private readonly requestId: string,
    /** Set when the request has an Idempotency-Key: its UPDATE is then guarded by the key's lock. */
    private readonly idempotencyKey?: string,
  ) {
    this.amount = formatCents(command.amountCents);
  }

  get sql(): string {
    return this.idempotencyKey === undefined ? WITHDRAW_SQL : WITHDRAW_GUARDED_SQL;
  }

  /** The values of `sql`: the guard's values follow the UPDATE's own. */
  get values(): unknown[] {
    const { debitCardId } = this.command;
    const { amount } = this;
    const guard = this.idempotencyKey === undefined ? [] : keyGuardValues(this.idempotencyKey);
    return [amount, this.withdrawalId, this.requestId, debitCardId, amount, ...guard];
  }
}

/** The statements of `withdrawals`, in their order: lock and read the cards, then each UPDATE. */
function withdrawalsSql(withdrawals: PreparedWithdrawal[]): { sql: string; values: unknown[] } {
  return {
    sql: [LOCK_CARDS_SQL, ...withdrawals.map(({ sql }) => sql)].join(';\n'),
    values: [
      withdrawals.map(({ command }) => command.debitCardId),
      ...withdrawals.flatMap(({ values }) => values),
    ],
  };
}

/**
 * Each withdrawal's outcome, from the results of withdrawalsSql: its receipt, or CARD_NOT_FOUND or
 * WITHDRAWAL_INSUFFICIENT_FUNDS when its UPDATE changed nothing. (A keyed UPDATE whose key's lock
 * was not taken also changes nothing; IdempotencyService answers that request 409 instead.)
 */
function withdrawalOutcomes(
  withdrawals: PreparedWithdrawal[],
  [locked, ...updates]: unknown[],
): WorkOutcome[] {
  const cards = new Map(
    (locked as LockedCard[]).map((card) => [
      card.id,
      {
        availableCents: decimalToCents(card.initial_limit) - decimalToCents(card.used_limit),
        version: Number(card.version),
      },
    ]),
  );
  return withdrawals.map(({ withdrawalId, command: { debitCardId, amountCents }, amount }, index) => {
    const card = cards.get(debitCardId);
    if (card === undefined) {
      return { error: new DomainError('CARD_NOT_FOUND', `Debit card ${debitCardId} does not exist.`) };
    }
    if ((updates[index] as ResultSetHeader).affectedRows !== 1) {
      return {
        error: new DomainError(
          'WITHDRAWAL_INSUFFICIENT_FUNDS',
          `Debit card ${debitCardId} does not have ${amount} available.`,
        ),
      };
    }
    card.availableCents -= amountCents;
    card.version += 1;
    const receipt: WithdrawalReceipt = {
      withdrawalId,
      debitCardId,
      amount,
      availableBalance: formatCents(card.availableCents),
      version: card.version,
    };
    return { body: receipt };
  });
}

/** How keyed withdrawals run in IdempotencyService's batches. */
const KEYED_WITHDRAWALS: WorkKind<PreparedWithdrawal> = {
  sql: withdrawalsSql,
  outcomes: withdrawalOutcomes,
};

@Injectable()
export class WithdrawalsService {
  constructor(
    private readonly pool: CommandPool,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Without a key: runs the withdrawal in one round trip; business errors are thrown (404/422 via
   * the filter). With a key: runs it at most once per key and returns the first response or its
   * replay (in a batch with the other keyed requests of the moment, see IdempotencyService).
   */
  async withdraw(
    command: WithdrawalCommand,
    requestId: string,
    idempotencyKey?: string,
  ): Promise<IdempotentResponse> {
    const withdrawal = new PreparedWithdrawal(command, requestId, idempotencyKey);
    if (idempotencyKey === undefined) {
      const { sql, values } = withdrawalsSql([withdrawal]);
      const [results] = await this.pool.withConnection((connection) =>
        connection.query(`START TRANSACTION; ${sql}; COMMIT`, values),
      );
      // One result per statement: START TRANSACTION, the locking read, the UPDATE, COMMIT. A refusal
      // (404, 422) is an answer, not a failure: it is thrown only now, after the commit.
      const [outcome] = withdrawalOutcomes([withdrawal], (results as unknown[]).slice(1, 3));
      if ('error' in outcome) throw outcome.error;
      return { status: 202, body: outcome.body, replayed: false };
    }
    const fingerprint = fingerprintOf(
      'POST /moneywithdrawals',
      command.debitCardId,
      command.amountCents.toString(),
    );
    return this.idempotency.execute(
      { key: idempotencyKey, fingerprint, requestId },
      withdrawal,
      KEYED_WITHDRAWALS,
    );
  }
}
