/**
 * The store of campaign senders' leases on an origination identity's throughput.
 * Implemented by lambdas/adapters/sender-lease-store.ts.
 */
import type { Leases } from '../throughput-share';

export interface SenderLeaseStore {
  /** Sets this sender's lease to expire at `expiresAtMs`; returns every sender's lease. */
  renew(identity: string, senderId: string, expiresAtMs: number): Promise<Leases>;
  /** Removes leases (a sender leaving, or lapsed ones). */
  remove(identity: string, senderIds: readonly string[]): Promise<void>;
}
