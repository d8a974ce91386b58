// The bench cards: bench-0000 … bench-0999 and the hot card, each with the largest limit the API
// accepts. Created once through POST /debitcards; later runs reuse them.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { benchConfig } from './config';
import { say } from './log';

export const benchCards: readonly string[] = Array.from(
  { length: benchConfig.cards },
  (_, index) => `${benchConfig.cardPrefix}${String(index).padStart(4, '0')}`,
);

export async function ensureBenchCards(db: Pool, appUrl: string): Promise<void> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT id FROM debit_card WHERE id IN (?)', [
    [...benchCards, benchConfig.hotCard],
  ]);
  const existing = new Set(rows.map((row) => String(row.id)));
  const missing = [...benchCards, benchConfig.hotCard].filter((id) => !existing.has(id));
  if (missing.length === 0) return;
  say('cards', `creating ${missing.length} bench cards through POST /debitcards`);
  for (let start = 0; start < missing.length; start += 16) {
    await Promise.all(
      missing.slice(start, start + 16).map(async (id) => {
        const response = await fetch(`${appUrl}/debitcards`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id, initialLimit: benchConfig.cardLimit }),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status !== 201 && response.status !== 409) {
          throw new Error(`POST /debitcards ${id}: ${response.status} ${await response.text()}`);
        }
      }),
    );
  }
}
