// A line of the mini statement (table money_withdrawal, created by the migrations): the read model,
// written only by the projector. (debit_card_id, version) is unique, so a change event delivered twice
// cannot create a second line; source_* record which Kafka record created the line.
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'money_withdrawal' })
@Index('uq_card_version', ['debitCardId', 'version'], { unique: true })
@Index('ix_request_id', ['requestId'])
export class MoneyWithdrawalEntity {
  /** The withdrawal's id (a uuid set by the command side). */
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ name: 'debit_card_id', type: 'varchar', length: 36 })
  debitCardId!: string;

  /** BIGINT as a decimal string: the card's version this withdrawal produced. */
  @Column({ type: 'bigint' })
  version!: string;

  /** DECIMAL(18,2) as a decimal string, never a JS number. */
  @Column({ type: 'decimal', precision: 18, scale: 2 })
  amount!: string;

  /** The commit time of the withdrawal on the write model. */
  @Column({ name: 'transaction_date', type: 'timestamp', precision: 6 })
  transactionDate!: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'source_partition', type: 'int' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'bigint' })
  sourceOffset!: string;

  /** The change event's Kafka timestamp; null for lines projected before it was recorded. */
  @Column({ name: 'source_timestamp', type: 'timestamp', precision: 3, nullable: true })
  sourceTimestamp!: Date | null;

  /** Set by the database when the projector wrote the line. */
  @CreateDateColumn({
    name: 'projected_at',
    type: 'timestamp',
    precision: 6,
    default: () => 'CURRENT_TIMESTAMP(6)',
  })
  projectedAt!: Date;
}
