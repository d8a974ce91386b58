// The client side of the bank workload: sends withdrawals with an Idempotency-Key each and keeps a
// ledger of every attempt and its outcome. ok = 202 (the withdrawal happened); failed = a definite
// refusal (422 insufficient funds); unknown = no definite answer (503, 409 in flight, a timeout, a
// dropped connection), retried later with the same key and body until it becomes ok or failed.
import { randomInt, randomUUID } from 'node:crypto';

export type Outcome = 'ok' | 'failed' | 'unknown';

export interface Attempt {
  key: string;
  card: string;
  /** Decimal string, e.g. "12.34". */
  amount: string;
  outcome: Outcome;
  withdrawalId?: string;
  /** It had no definite answer at first and was resolved by retrying with its key. */
  wasUnknown: boolean;
}

async function send(apiUrl: string, attempt: Attempt): Promise<void> {
  try {
    const response = await fetch(`${apiUrl}/moneywithdrawals`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': attempt.key },
      body: JSON.stringify({ debitCard: attempt.card, amount: attempt.amount }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as { withdrawalId?: string; type?: string };
    if (response.status === 202) {
      attempt.outcome = 'ok';
      attempt.withdrawalId = body.withdrawalId;
    } else if (response.status === 422 && body.type === '/problems/insufficient-funds') {
      attempt.outcome = 'failed';
    } else {
      attempt.outcome = 'unknown'; // 503, 409 (first attempt still in flight), anything else
    }
  } catch {
    attempt.outcome = 'unknown'; // timeout or connection refused: the withdrawal may or may not have happened
  }
  if (attempt.outcome === 'unknown') attempt.wasUnknown = true;
}

export class Ledger {
  readonly attempts: Attempt[] = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly apiUrl: string,
    private readonly cards: string[],
  ) {}

  /** `concurrency` clients, each sending one withdrawal after another, paced, until stop(). */
  start(concurrency = 4, paceMs = 25, maxAttempts = 20_000): void {
    this.running = true;
    this.workers = Array.from({ length: concurrency }, async () => {
      while (this.running && this.attempts.length < maxAttempts) {
        const attempt: Attempt = {
          key: `chaos-${randomUUID()}`,
          card: this.cards[randomInt(this.cards.length)],
          amount: `${randomInt(1, 40)}.${String(randomInt(100)).padStart(2, '0')}`,
          outcome: 'unknown',
          wasUnknown: false,
        };
        this.attempts.push(attempt);
        await send(this.apiUrl, attempt);
        await new Promise((resolve) => setTimeout(resolve, paceMs)); // pacing of the load, not a wait for state
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  count(outcome: Outcome): number {
    return this.attempts.filter((attempt) => attempt.outcome === outcome).length;
  }

  /** Retries every unknown attempt with its key and body until all are definite, within the bound. */
  async resolveUnknowns(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unknown = this.attempts.filter((attempt) => attempt.outcome === 'unknown');
      if (unknown.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`${unknown.length} attempts still without a definite outcome after ${timeoutMs} ms`);
      }
      for (const attempt of unknown) await send(this.apiUrl, attempt);
      if (this.attempts.some((attempt) => attempt.outcome === 'unknown')) {
        await new Promise((resolve) => setTimeout(resolve, 500)); // back-off between retry rounds
      }
    }
  }
}
