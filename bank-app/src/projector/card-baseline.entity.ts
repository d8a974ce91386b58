// A card's starting point as the connector first saw it (table card_baseline, created by the
// migrations): the used_limit of its snapshot read or create event. Written only by the projector;
// reconciliation checks used_limit == baseline + the sum of the card's statement lines.
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'card_baseline' })
export class CardBaselineEntity {
  @PrimaryColumn({ name: 'debit_card_id', type: 'varchar', length: 36 })
  debitCardId!: string;

  /** DECIMAL(18,2) as a decimal string, never a JS number. */
  @Column({ name: 'used_limit', type: 'decimal', precision: 18, scale: 2 })
  usedLimit!: string;

  /** BIGINT as a decimal string. */
  @Column({ type: 'bigint' })
  version!: string;

  @Column({ name: 'source_partition', type: 'int' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'bigint' })
  sourceOffset!: string;
}
