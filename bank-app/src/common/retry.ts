// One bounded retry loop for transient failures, with a pause that grows linearly (pauseMs × attempt).
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The pause after the first failed attempt; the n-th waits n times this. */
  pauseMs: number;
  /** Whether this failure may go away if the operation simply runs again. */
  retriable: (error: unknown) => boolean;
  /** Called before each pause (to log it, say). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** Runs `operation` until it succeeds, fails for a reason not retriable, or runs out of attempts. */
export async function retryWhileTransient<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts || !policy.retriable(error)) throw error;
      policy.onRetry?.(error, attempt);
      await sleep(policy.pauseMs * attempt);
    }
  }
}
