// An Idempotency-Key record (table idempotency_key, created by the migrations): the first response to
// a keyed request, replayed to its retries until expires_at. Written and read by IdempotencyService in
// the withdrawal's own transaction; expires_at is indexed for IdempotencyCleaner.
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'idempotency_key' })
@Index('ix_idempotency_key_expires_at', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'client_key', type: 'varchar', length: 255 })
  clientKey!: string;

  /** SHA-256 (hex) of the request, to tell a retry from another request reusing the key. */
  @Column({ name: 'request_fingerprint', type: 'char', length: 64 })
  requestFingerprint!: string;

  @Column({ name: 'response_status', type: 'smallint' })
  responseStatus!: number;

  /** The response body as sent (JSON text). */
  @Column({ name: 'response_body', type: 'text' })
  responseBody!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @CreateDateColumn({
    name: 'created_at',
    type: 'timestamp',
    precision: 6,
    default: () => 'CURRENT_TIMESTAMP(6)',
  })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamp', precision: 6 })
  expiresAt!: Date;
}
