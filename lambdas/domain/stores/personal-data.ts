/**
 * A number's personal data across the tables, for privacy requests (docs/privacy.md): read all of
 * it, delete it, and the suppression record that outlives an erasure. The consent log is not here:
 * it is never deleted. Implemented by lambdas/adapters/personal-data-store.ts.
 */
import type { SuppressionRecord } from '../privacy';
import type { Profile } from '../profile';

export type PersonalDataTable = 'profiles' | 'messages' | 'activity' | 'links' | 'campaigns' | 'suppressions';

export interface PersonalDataStore {
  profile(phone: string): Promise<Profile | undefined>;
  /** Every message of the number, newest first. */
  messages(phone: string): Promise<Record<string, unknown>[]>;
  activity(phone: string): Promise<Record<string, unknown>[]>;
  /** The short links made for the number (from the campaigns of its messages). */
  links(phone: string, messages: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]>;
  deleteAll(table: PersonalDataTable, keys: readonly Record<string, unknown>[]): Promise<void>;
  deleteProfile(phone: string): Promise<void>;
  suppression(phoneHash: string): Promise<SuppressionRecord | undefined>;
  putSuppression(record: SuppressionRecord): Promise<void>;
}
