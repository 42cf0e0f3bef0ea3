/**
 * The profile store: consent projections, activity and engagement, the sharded subscriber index.
 * Implemented by lambdas/adapters/profile-store.ts.
 */
import type { ConsentState } from '../consent';
import type { DeliveryError, Profile } from '../profile';
import type { StateCapReservation } from '../send-policy';

/** Campaign reads are spread over this many shards of the sparse `marketingSubscribers` index. */
export const MARKETING_SHARDS = 16;

export interface ConsentProjection {
  readonly phone: string;
  readonly expectedVersion: number;
  readonly nextVersion: number;
  readonly eventId: string;
  /** Time of the change (the person's action), compared with later inputs to order them; unset keeps it. */
  readonly consentUpdatedAt: string | undefined;
  readonly state: ConsentState;
  /** Activity recorded in the same write (last inbound, the reply about to be sent). */
  readonly activity?: ActivityUpdate;
  readonly timeZone?: string;
  readonly now: string;
}

export interface ActivityUpdate {
  readonly marketingSubscribedAt?: string;
  /** The last short-link click, for order attribution. */
  readonly lastClick?: Profile['lastClick'];
  readonly lastSmsAt?: string;
  readonly lastMarketingAt?: string;
  readonly lastInboundAt?: string;
  readonly lastOutbound?: Profile['lastOutbound'];
}

export interface ProfileStore {
  get(phone: string): Promise<Profile | undefined>;
  /** Projects a consent event; `stale` when another writer moved the version first. */
  applyConsent(projection: ConsentProjection): Promise<'applied' | 'stale'>;
  /** Records activity, creating a never-subscribed profile when the number is new. */
  recordActivity(phone: string, activity: ActivityUpdate, now: string): Promise<void>;
  /** Engagement aggregates: latest times (kept only if newer) and counters added. */
  recordEngagement(phone: string, update: EngagementUpdate, now: string): Promise<void>;
  /** Profiles of many numbers (missing numbers are left out). */
  getMany(phones: readonly string[]): Promise<Map<string, Profile>>;
  /** One page of marketing subscribers from the sparse index (never a table Scan). */
  marketingSubscribers(
    shard: string,
    startKey?: Record<string, unknown>,
  ): Promise<{ profiles: Profile[]; nextKey?: Record<string, unknown> }>;
  /** Records a delivery failure (or clears it on a later success). */
  setDeliveryError(phone: string, error: DeliveryError | undefined, now: string): Promise<void>;
  /**
   * Writes a number's state-cap window if its version is still `expectedVersion`; `stale` when another
   * send moved it first (read the profile again and decide again).
   */
  reserveStateCapSends(phone: string, reservation: StateCapReservation): Promise<'reserved' | 'stale'>;
}

export interface EngagementUpdate {
  /** Attributes set to this time unless the profile holds a newer one (`lastOrderAt`…). */
  readonly latest?: Readonly<
    Partial<Record<'lastOrderAt' | 'lastCartAt' | 'lastViewedAt' | 'lastClickAt', string>>
  >;
  /** Counters to add to (`orderCount`, `totalSpent`). */
  readonly add?: Readonly<Partial<Record<'orderCount' | 'totalSpent', number>>>;
}

export function marketingShardOf(phone: string): string {
  let hash = 0;
  for (const char of phone) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return String(hash % MARKETING_SHARDS);
}
