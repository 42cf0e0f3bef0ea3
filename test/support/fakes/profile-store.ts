/** An in-memory ProfileStore for service tests; test/adapters/store-contracts.test.ts holds it to the DynamoDB store's behaviour. */
import { newProfile, type DeliveryError, type Profile } from '../../../lambdas/domain/profile';
import type { StateCapReservation } from '../../../lambdas/domain/send-policy';
import {
  marketingShardOf,
  type ActivityUpdate,
  type ConsentProjection,
  type EngagementUpdate,
  type ProfileStore,
} from '../../../lambdas/domain/stores/profile';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class InMemoryProfileStore implements ProfileStore {
  readonly profiles = new Map<string, Profile>();

  async get(phone: string): Promise<Profile | undefined> {
    const profile = this.profiles.get(phone);
    return profile && structuredClone(profile);
  }

  /** Seeds a profile as a test needs it. */
  put(profile: Profile): void {
    this.profiles.set(profile.phone, structuredClone(profile));
  }

  async applyConsent(p: ConsentProjection): Promise<'applied' | 'stale'> {
    const current = this.profiles.get(p.phone);
    // The version guard: version 0 is a profile no consent event has reached (or none at all).
    if ((current?.consentVersion ?? 0) !== p.expectedVersion) return 'stale';
    const base: Mutable<Profile> = { ...(current ?? newProfile(p.phone, p.now)) };
    for (const name of [
      'optedOutAt',
      'marketingConfirmedBy',
      'optOutList',
      'beforeOptOut',
      'pendingClasses',
    ] as const)
      delete base[name];
    const defined = <T extends object>(value: T) =>
      Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    this.profiles.set(p.phone, {
      ...base,
      ...defined(p.state),
      ...defined({ ...p.activity, timeZone: p.timeZone, consentUpdatedAt: p.consentUpdatedAt }),
      consentVersion: p.nextVersion,
      lastConsentEventId: p.eventId,
      updatedAt: p.now,
    } as Profile);
    return 'applied';
  }

  async recordActivity(phone: string, activity: ActivityUpdate, now: string): Promise<void> {
    const defined = Object.fromEntries(Object.entries(activity).filter(([, v]) => v !== undefined));
    this.profiles.set(phone, { ...this.touch(phone, now), ...defined });
  }

  async recordEngagement(phone: string, update: EngagementUpdate, now: string): Promise<void> {
    const profile: Mutable<Profile> = { ...this.touch(phone, now) };
    for (const [name, value] of Object.entries(update.add ?? {}))
      if (value !== undefined) profile[name as 'orderCount'] = (profile[name as 'orderCount'] ?? 0) + value;
    for (const [name, value] of Object.entries(update.latest ?? {})) {
      const key = name as 'lastOrderAt';
      if (value !== undefined && (profile[key] === undefined || profile[key] < value)) profile[key] = value;
    }
    this.profiles.set(phone, profile);
  }

  async getMany(phones: readonly string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    for (const phone of new Set(phones)) {
      const profile = await this.get(phone);
      if (profile) found.set(phone, profile);
    }
    return found;
  }

  async marketingSubscribers(shard: string, startKey?: Record<string, unknown>) {
    // The sparse index: subscribed and not opted out, in phone order within the shard.
    const after = typeof startKey?.phone === 'string' ? startKey.phone : '';
    const profiles = [...this.profiles.values()]
      .filter((p) => p.marketing === 'subscribed' && p.optedOutAt === undefined)
      .filter((p) => marketingShardOf(p.phone) === shard && p.phone > after)
      .sort((a, b) => (a.phone < b.phone ? -1 : 1));
    const page = profiles.slice(0, 500).map((p) => structuredClone(p));
    const last = page.at(-1);
    return { profiles: page, ...(profiles.length > 500 && last ? { nextKey: { phone: last.phone } } : {}) };
  }

  async setDeliveryError(phone: string, error: DeliveryError | undefined, now: string): Promise<void> {
    const profile = this.profiles.get(phone);
    if (!profile) return; // as the conditional update: an unknown number is left alone
    const { deliveryError: _previous, ...rest } = profile;
    this.profiles.set(phone, { ...rest, ...(error ? { deliveryError: error } : {}), updatedAt: now });
  }

  async reserveStateCapSends(phone: string, reservation: StateCapReservation): Promise<'reserved' | 'stale'> {
    const profile = this.profiles.get(phone);
    if (!profile || (profile.stateCapVersion ?? 0) !== reservation.expectedVersion) return 'stale';
    this.profiles.set(phone, {
      ...profile,
      stateCapSends: structuredClone(reservation.entries),
      stateCapVersion: reservation.expectedVersion + 1,
    });
    return 'reserved';
  }

  /** The profile, or a new never-subscribed one, with `updatedAt` now. */
  private touch(phone: string, now: string): Profile {
    return { ...(this.profiles.get(phone) ?? newProfile(phone, now)), updatedAt: now };
  }
}
