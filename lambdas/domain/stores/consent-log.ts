/**
 * The consent log store: append-only, so it has no update or delete.
 * Implemented by lambdas/adapters/consent-log-store.ts.
 */
import type { ConsentLogEntry } from '../consent';

export interface ConsentLogStore {
  /**
   * Appends the entry, chained after the entry before it (../consent-chain.ts: the store sets its
   * `prevHash` and `hash`), unless one with the same key exists (a replay, or another writer that
   * took the position first); says which happened.
   */
  append(entry: ConsentLogEntry): Promise<'appended' | 'exists'>;
  get(phone: string, eventKey: string): Promise<ConsentLogEntry | undefined>;
  /** Every entry of a number (changes and their outcomes), in the order recorded. */
  list(phone: string): Promise<ConsentLogEntry[]>;
}
