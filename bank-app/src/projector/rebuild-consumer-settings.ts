// The rebuild's consumer settings, in a module of their own (no Nest, no database) because the
// projection benchmark's bare consumer, its ceiling, uses exactly the same ones (bench/src/kafka.ts).

/** Large fetches: fewer, larger batches, so fewer database round trips for the same log. */
export const REBUILD_CONSUMER_SETTINGS = {
  maxWaitTimeInMs: 100,
  maxBytesPerPartition: 8 * 1024 * 1024,
  maxBytes: 32 * 1024 * 1024,
};
