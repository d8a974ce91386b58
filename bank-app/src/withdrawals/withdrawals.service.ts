// The command: withdraw money from a card. One conditional UPDATE does the check and the write
// atomically (no read-then-write, so concurrent withdrawals can neither overdraw nor lose an update);
// Debezium picks the UPDATE up from the binlog and the projector turns it into a statement line.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { DomainError } from '../common/domain-error';
import { decimalToCents, formatCents } from '../common/money';
import { CommandPool } from '../database/command-pool';
import {
  fingerprintOf,
  IdempotencyService,
  IdempotentResponse,
  KEY_GUARD_SQL,
  keyGuardValues,
} from './idempotency.service';
import { WithdrawalCommand } from './withdrawal.request';

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

/**
 * The whole business rule in one statement, then the card as it now is, in the same round trip.
 * CAST: mysql2 sends the amount as a quoted string, and MySQL/MariaDB would evaluate
 * `DECIMAL + 'string'` in DOUBLE; the cast keeps it exact DECIMAL. last_* columns travel with the
 * change event to the projector. ROW_COUNT() is the UPDATE's: 1 applied, 0 refused; no row at all
 * means no such card. Run inside a transaction, the read-back sees exactly the state the UPDATE made
 * (it holds the row lock). `guard` is an extra condition (the idempotency key's, when there is one).
 */
function withdrawSql(guard: string): string {
  return `
  UPDATE debit_card
     SET used_limit = used_limit + CAST(? AS DECIMAL(18,2)),
         version = version + 1,
         last_withdrawal_id = ?,
         last_request_id = ?,
         last_withdrawn_at = CURRENT_TIMESTAMP(6)
   WHERE id = ?
     AND used_limit + CAST(? AS DECIMAL(18,2)) <= initial_limit${guard};
  SELECT ROW_COUNT() AS applied, initial_limit, used_limit, version FROM debit_card WHERE id = ?`;
}

/** Without a key: a transaction of its own, in one round trip. */
const WITHDRAW_IN_OWN_TRANSACTION_SQL = `START TRANSACTION; ${withdrawSql('')}; COMMIT`;
/** With a key: sent along with the key's look-up, guarded by the key's lock (IdempotencyService). */
const WITHDRAW_GUARDED_SQL = withdrawSql(` AND ${KEY_GUARD_SQL}`);

interface CardAfterUpdate extends RowDataPacket {
  applied: number | string;
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
  ) {
    this.amount = formatCents(command.amountCents);
  }

  /** The values of withdrawSql(guard): the guard's values follow the UPDATE's own. */
  statementValues(guardValues: unknown[] = []): unknown[] {
    const { debitCardId } = this.command;
    const { amount } = this;
    return [amount, this.withdrawalId, this.requestId, debitCardId, amount, ...guardValues, debitCardId];
  }

  /**
   * The receipt, from the results of [UPDATE, SELECT]. Throws CARD_NOT_FOUND or
   * WITHDRAWAL_INSUFFICIENT_FUNDS when nothing changed: the read-back came from the same
   * transaction, so there is no race in telling the two apart.
   */
  receipt([, selected]: unknown[]): WithdrawalReceipt {
    const { debitCardId } = this.command;
    const [card] = selected as CardAfterUpdate[];
    if (card === undefined)
      throw new DomainError('CARD_NOT_FOUND', `Debit card ${debitCardId} does not exist.`);
    if (Number(card.applied) !== 1) {
      throw new DomainError(
        'WITHDRAWAL_INSUFFICIENT_FUNDS',
        `Debit card ${debitCardId} does not have ${this.amount} available.`,
      );
    }
    return {
      withdrawalId: this.withdrawalId,
      debitCardId,
      amount: this.amount,
      availableBalance: formatCents(decimalToCents(card.initial_limit) - decimalToCents(card.used_limit)),
      version: Number(card.version),
    };
  }
}

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
    const withdrawal = new PreparedWithdrawal(command, requestId);
    if (idempotencyKey === undefined) {
      // A refusal (404, 422) is an answer, not a failure: the connection is clean (committed) and
      // goes back to the pool; only then is the refusal thrown.
      const outcome = await this.pool.withConnection(async (connection) => {
        const [results] = await connection.query(
          WITHDRAW_IN_OWN_TRANSACTION_SQL,
          withdrawal.statementValues(),
        );
        // Results come back one per statement: START TRANSACTION, UPDATE, SELECT, COMMIT.
        try {
          return withdrawal.receipt((results as unknown[]).slice(1, 3));
        } catch (error) {
          if (error instanceof DomainError) return error;
          throw error;
        }
      });
      if (outcome instanceof DomainError) throw outcome;
      return { status: 202, body: outcome, replayed: false };
    }
    const fingerprint = fingerprintOf(
      'POST /moneywithdrawals',
      command.debitCardId,
      command.amountCents.toString(),
    );
    return this.idempotency.execute(
      { key: idempotencyKey, fingerprint, requestId },
      {
        sql: WITHDRAW_GUARDED_SQL,
        values: withdrawal.statementValues(keyGuardValues(idempotencyKey)),
        statements: 2, // the UPDATE and the read-back
        lockOrder: command.debitCardId,
        result: (statements) => withdrawal.receipt(statements),
      },
    );
  }
}
