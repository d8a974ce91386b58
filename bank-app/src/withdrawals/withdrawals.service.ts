// The command: withdraw money from a card. One conditional UPDATE does the check and the write
// atomically (no read-then-write, so concurrent withdrawals can neither overdraw nor lose an update);
// Debezium picks the UPDATE up from the binlog and the projector turns it into a statement line.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { decimalToCents, formatCents } from '../common/money';
import { runInTransaction } from '../database/transaction';
import { fingerprintOf, IdempotencyService, IdempotentResponse } from './idempotency.service';
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
 * The whole business rule in one statement. CAST: mysql2 sends the amount as a quoted string, and
 * MySQL/MariaDB would evaluate `DECIMAL + 'string'` in DOUBLE; the cast keeps it exact DECIMAL.
 * last_* columns travel with the change event to the projector.
 */
const WITHDRAW_SQL = `
  UPDATE debit_card
     SET used_limit = used_limit + CAST(? AS DECIMAL(18,2)),
         version = version + 1,
         last_withdrawal_id = ?,
         last_request_id = ?,
         last_withdrawn_at = CURRENT_TIMESTAMP(6)
   WHERE id = ?
     AND used_limit + CAST(? AS DECIMAL(18,2)) <= initial_limit`;

@Injectable()
export class WithdrawalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Without a key: runs the withdrawal; business errors are thrown (404/422 via the filter).
   * With a key: runs it at most once per key and returns the first response or its replay.
   */
  async withdraw(
    command: WithdrawalCommand,
    requestId: string,
    idempotencyKey?: string,
  ): Promise<IdempotentResponse> {
    if (idempotencyKey === undefined) {
      const receipt = await this.withRunner((runner) =>
        runInTransaction(runner, () => this.applyWithdrawal(runner, command, requestId)),
      );
      return { status: 202, body: receipt, replayed: false };
    }
    const fingerprint = fingerprintOf(
      'POST /moneywithdrawals',
      command.debitCardId,
      command.amountCents.toString(),
    );
    return this.idempotency.execute({ key: idempotencyKey, fingerprint, requestId }, (runner) =>
      this.applyWithdrawal(runner, command, requestId),
    );
  }

  /** The write, on a runner whose transaction is open. Throws CARD_NOT_FOUND or WITHDRAWAL_INSUFFICIENT_FUNDS. */
  private async applyWithdrawal(
    runner: QueryRunner,
    command: WithdrawalCommand,
    requestId: string,
  ): Promise<WithdrawalReceipt> {
    const { debitCardId } = command;
    const amount = formatCents(command.amountCents);
    const withdrawalId = randomUUID();

    const update = await runner.query(
      WITHDRAW_SQL,
      [amount, withdrawalId, requestId, debitCardId, amount],
      true,
    );
    if (update.affected !== 1) {
      // Nothing changed: either there is no such card, or the amount does not fit. Telling the two
      // apart afterwards is safe, as the answer is a refusal either way and nothing was written.
      const found = (await runner.query('SELECT 1 FROM debit_card WHERE id = ?', [debitCardId])) as unknown[];
      if (found.length === 0)
        throw new DomainError('CARD_NOT_FOUND', `Debit card ${debitCardId} does not exist.`);
      throw new DomainError(
        'WITHDRAWAL_INSUFFICIENT_FUNDS',
        `Debit card ${debitCardId} does not have ${amount} available.`,
      );
    }

    // Same transaction, and the UPDATE holds the row lock: this is exactly the state our UPDATE made.
    const [card] = (await runner.query(
      'SELECT initial_limit, used_limit, version FROM debit_card WHERE id = ?',
      [debitCardId],
    )) as { initial_limit: string; used_limit: string; version: string }[];
    return {
      withdrawalId,
      debitCardId,
      amount,
      availableBalance: formatCents(decimalToCents(card.initial_limit) - decimalToCents(card.used_limit)),
      version: Number(card.version),
    };
  }

  private async withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }
}
