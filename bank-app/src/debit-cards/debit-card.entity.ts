// The write model's row (table debit_card, created by the migrations). A withdrawal changes it with one
// conditional UPDATE (withdrawals.service.ts) that Debezium captures; the last_* columns are set by
// that same UPDATE, so the change event carries the withdrawal's id, request id and commit time.
import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'debit_card' })
@Check('chk_debit_card_used_limit', '`used_limit` >= 0 AND `used_limit` <= `initial_limit`')
export class DebitCardEntity {
  /** Case-sensitive (the table's collation is utf8mb4_bin). */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** DECIMAL(18,2) as mysql2 returns it: a decimal string, never a JS number. */
  @Column({ name: 'initial_limit', type: 'decimal', precision: 18, scale: 2 })
  initialLimit!: string;

  @Column({ name: 'used_limit', type: 'decimal', precision: 18, scale: 2, default: '0.00' })
  usedLimit!: string;

  /** BIGINT as a decimal string (mysql2's bigNumberStrings); one more per withdrawal. */
  @Column({ type: 'bigint', default: '0' })
  version!: string;

  @Column({ name: 'last_withdrawal_id', type: 'char', length: 36, nullable: true })
  lastWithdrawalId!: string | null;

  @Column({ name: 'last_request_id', type: 'varchar', length: 64, nullable: true })
  lastRequestId!: string | null;

  /** The commit time of the last withdrawal (microseconds in the table, milliseconds in a Date). */
  @Column({ name: 'last_withdrawn_at', type: 'timestamp', precision: 6, nullable: true })
  lastWithdrawnAt!: Date | null;

  @CreateDateColumn({
    name: 'created_at',
    type: 'timestamp',
    precision: 6,
    default: () => 'CURRENT_TIMESTAMP(6)',
  })
  createdAt!: Date;
}
