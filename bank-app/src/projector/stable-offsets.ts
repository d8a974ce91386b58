// The committed offsets of a consumer group, read *stable* (Kafka's OffsetFetch v7 `require_stable`,
// KIP-447). Why the projector needs it: right after a transaction that committed offsets completes,
// the group coordinator can still answer a plain OffsetFetch with the previous offset for a moment
// (right after a commit and right after a fencing hand-over alike; docs/benchmarks.md says how often).
// The projector decides from that offset which events are already published, so a stale answer means
// a batch published twice. With `require_stable` the coordinator answers UNSTABLE_OFFSET_COMMIT while
// a transaction's offsets are pending, and we ask again. kafkajs 2.2.4 only speaks OffsetFetch up to
// v4, so this file speaks the two requests it needs itself: FindCoordinator v0 and OffsetFetch v7.
import { connect, type Socket } from 'node:net';
import { constantBackoff, retry } from '../common/retry';

const FIND_COORDINATOR = { key: 10, version: 0 };
const OFFSET_FETCH = { key: 9, version: 7 }; // v6+ is a "flexible" version: compact strings, tag buffers

/** Kafka error codes this client acts on; any other non-zero code is an error. */
const RETRIABLE_ERRORS = new Map([
  [14, 'COORDINATOR_LOAD_IN_PROGRESS'],
  [15, 'COORDINATOR_NOT_AVAILABLE'],
  [16, 'NOT_COORDINATOR'],
  [88, 'UNSTABLE_OFFSET_COMMIT'],
]);

const RETRY_DELAY_MS = 50;
const REQUEST_TIMEOUT_MS = 10_000;

export interface StableOffsetsOptions {
  brokers: string[];
  clientId: string;
  /** Gives up after this long (the caller's batch is then retried as a transient failure). */
  timeoutMs?: number;
}

/**
 * The group's committed offset for each of `partitions` of `topic` (-1 when none was committed),
 * once no transaction that commits offsets for them is pending.
 */
export async function fetchStableOffsets(
  options: StableOffsetsOptions,
  groupId: string,
  topic: string,
  partitions: number[],
): Promise<Map<number, bigint>> {
  try {
    // Any failure is worth another try until the deadline: the coordinator moving, a broker restarting,
    // or the offsets not stable yet.
    return await retry(
      async () => {
        const coordinator = await findCoordinator(options, groupId);
        const answer = await offsetFetch(options.clientId, coordinator, groupId, topic, partitions);
        if (answer.retry !== undefined) throw new Error(answer.retry);
        return answer.offsets;
      },
      {
        attempts: Infinity,
        deadline: Date.now() + (options.timeoutMs ?? 30_000),
        backoff: constantBackoff(RETRY_DELAY_MS),
        retriable: () => true,
      },
    );
  } catch (error) {
    throw new Error(`no stable committed offsets for group ${groupId} (${(error as Error).message})`);
  }
}

interface Address {
  host: string;
  port: number;
}

async function findCoordinator(options: StableOffsetsOptions, groupId: string): Promise<Address> {
  let lastError: Error | undefined;
  for (const broker of options.brokers) {
    const separator = broker.lastIndexOf(':');
    const address = { host: broker.slice(0, separator), port: Number(broker.slice(separator + 1)) };
    try {
      const body = new Writer().string(groupId).bytes();
      const reader = await roundTrip(address, options.clientId, FIND_COORDINATOR, body, false);
      const errorCode = reader.int16();
      const nodeId = reader.int32();
      const host = reader.string();
      const port = reader.int32();
      if (errorCode !== 0) throw new Error(errorName(errorCode));
      if (nodeId < 0 || host === null) throw new Error('no coordinator');
      return { host, port };
    } catch (error) {
      lastError = error as Error;
    }
  }
  throw new Error(`FindCoordinator failed: ${lastError?.message ?? 'no brokers configured'}`);
}

async function offsetFetch(
  clientId: string,
  coordinator: Address,
  groupId: string,
  topic: string,
  partitions: number[],
): Promise<{ offsets: Map<number, bigint>; retry?: string }> {
  const request = new Writer()
    .compactString(groupId)
    .uvarint(1 + 1) // one topic (compact arrays store length + 1)
    .compactString(topic)
    .uvarint(partitions.length + 1);
  for (const partition of partitions) request.int32(partition);
  request
    .uvarint(0) // the topic's tag buffer
    .int8(1) // require_stable
    .uvarint(0); // the request's tag buffer
  const reader = await roundTrip(coordinator, clientId, OFFSET_FETCH, request.bytes(), true);

  reader.int32(); // throttle_time_ms
  const offsets = new Map<number, bigint>();
  let retry: string | undefined;
  const note = (code: number) => {
    if (code === 0) return;
    if (!RETRIABLE_ERRORS.has(code)) throw new Error(`OffsetFetch: ${errorName(code)}`);
    retry = errorName(code);
  };
  for (let topics = reader.uvarint() - 1; topics > 0; topics -= 1) {
    reader.compactString(); // name
    for (let count = reader.uvarint() - 1; count > 0; count -= 1) {
      const partition = reader.int32();
      const offset = reader.int64();
      reader.int32(); // committed_leader_epoch
      reader.compactString(); // metadata
      note(reader.int16());
      reader.skipTags();
      offsets.set(partition, offset);
    }
    reader.skipTags();
  }
  note(reader.int16());
  return { offsets, retry };
}

function errorName(code: number): string {
  return RETRIABLE_ERRORS.get(code) ?? `Kafka error code ${code}`;
}

let nextCorrelationId = 1;

/** Sends one request on a fresh connection and returns a reader positioned at the response body. */
function roundTrip(
  address: Address,
  clientId: string,
  api: { key: number; version: number },
  body: Buffer,
  flexible: boolean,
): Promise<Reader> {
  const correlationId = nextCorrelationId++;
  const header = new Writer().int16(api.key).int16(api.version).int32(correlationId).string(clientId);
  if (flexible) header.uvarint(0); // request header v2 ends with a tag buffer
  const payload = Buffer.concat([header.bytes(), body]);
  const frame = Buffer.concat([new Writer().int32(payload.length).bytes(), payload]);

  return new Promise<Reader>((resolve, reject) => {
    const socket: Socket = connect(address);
    let received = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(REQUEST_TIMEOUT_MS, () =>
      fail(new Error(`no answer from ${address.host}:${address.port}`)),
    );
    socket.on('error', fail);
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.end();
      try {
        const reader = new Reader(received.subarray(4, 4 + received.readInt32BE(0)));
        if (reader.int32() !== correlationId) throw new Error('answer to another request');
        if (flexible) reader.skipTags(); // response header v1
        resolve(reader);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Big-endian encoder for the few Kafka protocol types used above. */
class Writer {
  private readonly chunks: Buffer[] = [];

  int8(value: number): this {
    return this.push(1, (buffer) => buffer.writeInt8(value));
  }
  int16(value: number): this {
    return this.push(2, (buffer) => buffer.writeInt16BE(value));
  }
  int32(value: number): this {
    return this.push(4, (buffer) => buffer.writeInt32BE(value));
  }
  uvarint(value: number): this {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    bytes.push(rest);
    this.chunks.push(Buffer.from(bytes));
    return this;
  }
  /** STRING: int16 length, then UTF-8 bytes. */
  string(value: string): this {
    const encoded = Buffer.from(value, 'utf8');
    this.int16(encoded.length);
    this.chunks.push(encoded);
    return this;
  }
  /** COMPACT_STRING: uvarint (length + 1), then UTF-8 bytes. */
  compactString(value: string): this {
    const encoded = Buffer.from(value, 'utf8');
    this.uvarint(encoded.length + 1);
    this.chunks.push(encoded);
    return this;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  private push(size: number, write: (buffer: Buffer) => void): this {
    const buffer = Buffer.alloc(size);
    write(buffer);
    this.chunks.push(buffer);
    return this;
  }
}

/** Big-endian decoder, the counterpart of Writer. */
class Reader {
  private position = 0;

  constructor(private readonly buffer: Buffer) {}

  int16(): number {
    return this.advance(2, this.buffer.readInt16BE(this.position));
  }
  int32(): number {
    return this.advance(4, this.buffer.readInt32BE(this.position));
  }
  int64(): bigint {
    return this.advance(8, this.buffer.readBigInt64BE(this.position));
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buffer.readUInt8(this.position++);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }
  /** STRING or NULLABLE_STRING (length -1 is null). */
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    return this.advance(length, this.buffer.toString('utf8', this.position, this.position + length));
  }
  /** COMPACT_STRING or COMPACT_NULLABLE_STRING (0 is null). */
  compactString(): string | null {
    const length = this.uvarint() - 1;
    if (length < 0) return null;
    return this.advance(length, this.buffer.toString('utf8', this.position, this.position + length));
  }
  /** A tag buffer: tagged fields this client does not use. */
  skipTags(): void {
    for (let count = this.uvarint(); count > 0; count -= 1) {
      this.uvarint(); // tag
      this.position += this.uvarint(); // size, then the field
    }
  }
  private advance<T>(size: number, value: T): T {
    this.position += size;
    return value;
  }
}
