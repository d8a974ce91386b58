import type { QueryRunner } from 'typeorm';

/**
 * Runs `work` in a transaction on `runner`'s connection: commit on success, roll back on any error.
 * If the commit itself fails (connection lost), the error propagates: the caller answers 503, never a
 * success for a write that may not have committed.
 */
export async function runInTransaction<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work();
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) {
      // On a dead connection the rollback fails too; the server rolls back on disconnect anyway.
      await runner.rollbackTransaction().catch(() => undefined);
    }
    throw error;
  }
}
