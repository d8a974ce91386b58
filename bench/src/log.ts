// Progress lines of the bench, in the launcher's format.
export function say(step: string, message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  console.log(`[bench ${time}] ${step.padEnd(12)} ${message}`);
}

/** Polls until `condition` holds; a timeout names what was awaited and the last state seen. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean | string>,
  { timeoutMs, intervalMs = 500 }: { timeoutMs: number; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const state = await condition().catch((error: Error) => `error: ${error.message}`);
    if (state === true) return;
    if (typeof state === 'string') last = state;
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (${last})` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or an error naming `what` once `ms` have passed (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
