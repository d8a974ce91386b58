// Polling instead of sleeping: wait until a condition holds, for a bounded time, and fail with a
// message that says what was awaited and what was last seen.

export interface WaitOptions {
  /** What is awaited, for the failure message. */
  description: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns a value other than undefined, and returns that value. A probe that
 * throws counts as "not yet" (the last error is reported on timeout).
 */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const { description, timeoutMs = 30_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'condition not met';
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
