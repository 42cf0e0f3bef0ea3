/**
 * The store of short-lived records: rate-limit buckets and one-time verification codes.
 * Implemented by lambdas/adapters/ephemeral-store.ts.
 */
import type { RateLimitBucket } from '../rate-limits';
import type { Verification } from '../verification';

export interface EphemeralStore {
  /** Counts one request in each bucket; returns the first bucket already at its limit, if any. */
  consume(buckets: readonly RateLimitBucket[]): Promise<RateLimitBucket | undefined>;
  putVerification(verification: Verification): Promise<void>;
  getVerification(phone: string): Promise<Verification | undefined>;
  /** Counts an attempt unless the limit is reached; false when no attempt is left. */
  countAttempt(phone: string, maxAttempts: number): Promise<boolean>;
  /** Deletes the code (single use); false when it was already gone. */
  consumeVerification(phone: string): Promise<boolean>;
}
