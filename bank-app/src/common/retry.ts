// The app's one retry helper: runs an operation again after a transient failure, within a bound (a
// number of attempts, a deadline, or both), pausing as the caller's backoff says. Every retry loop of
// the app goes through it: the projector's batches, sendOffsets while a transaction completes, the
// stable offset read, and the rebuild's batch writes. Not p-retry: it is ESM-only since v5 (this app
// compiles to CommonJS), and v4 has no linear backoff, which the 20 ms sendOffsets retry needs.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included (Infinity: bounded by `deadline` alone). */
  attempts: number;
  /** Epoch ms after which no attempt starts (checked after each pause). */
  deadline?: number;
  /** The pause (ms) after the n-th failed attempt, n from 1. */
  backoff: (attempt: number) => number;
  /** Whether this failure may go away if the operation simply runs again. */
  retriable: (error: unknown) => boolean;
  /** Called after every failed attempt, the last included, before anything else (to clean up, count). */
  onFailure?: (error: unknown, attempt: number) => void | Promise<void>;
  /** Called before each pause (to log it, say). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** n × ms: 20, 40, 60… */
export const linearBackoff =
  (ms: number) =>
  (attempt: number): number =>
    ms * attempt;

/** ms × 2ⁿ: with 200, 400, 800, 1600… */
export const exponentialBackoff =
  (ms: number) =>
  (attempt: number): number =>
    ms * 2 ** attempt;

/** The same pause every time. */
export const constantBackoff = (ms: number) => (): number => ms;

/**
 * Runs `operation` until it succeeds, fails for a reason not retriable, runs out of attempts or passes
 * the deadline; then rethrows the last failure as it was.
 */
export async function retry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      await policy.onFailure?.(error, attempt);
      if (attempt >= policy.attempts || !policy.retriable(error)) throw error;
      policy.onRetry?.(error, attempt);
      await sleep(policy.backoff(attempt));
      if (policy.deadline !== undefined && Date.now() >= policy.deadline) throw error;
    }
  }
}
