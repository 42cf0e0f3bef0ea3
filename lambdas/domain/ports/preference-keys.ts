/**
 * The keys preference links are signed with, newest first.
 * Implemented by lambdas/adapters/preference-keys.ts.
 */
import type { PreferenceKey } from '../preference-token';

export interface PreferenceKeys {
  /** The key new links are made with. */
  current(): Promise<PreferenceKey>;
  /** Every key a link may have been made with (current first). */
  all(): Promise<readonly PreferenceKey[]>;
}
