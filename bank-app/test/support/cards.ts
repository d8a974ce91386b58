// Each test makes its own cards, with ids no other test (or earlier run) uses.
import { randomUUID } from 'node:crypto';
import type { TestApp } from './app';

/** A fresh card id (at most 36 characters), prefixed for readability in the database. */
export function uniqueCardId(prefix = 't'): string {
  return `${prefix}-${randomUUID().replace(/-/g, '').slice(0, 20)}`.slice(0, 36);
}

/** Creates a card through the API and returns its id. */
export async function createCard(testApp: TestApp, initialLimit: string, prefix = 't'): Promise<string> {
  const id = uniqueCardId(prefix);
  const response = await testApp.api().post('/debitcards').send({ id, initialLimit });
  if (response.status !== 201) {
    throw new Error(`creating card ${id} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return id;
}
