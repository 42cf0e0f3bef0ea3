/**
 * A number's subscription in one word, as its owner would put it (the phone simulator's badge):
 * opted out (STOP: nothing but the confirmation goes to it), pending (asked to reply Y), paused
 * (PAUSE: subscribed, but campaigns leave it out), subscribed (to marketing texts) or not subscribed.
 */
import { isPaused, isOptedOut, type Profile } from './profile';

export const SUBSCRIPTION_STATUSES = [
  'not_subscribed',
  'pending',
  'subscribed',
  'paused',
  'opted_out',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export function subscriptionStatus(profile: Profile | undefined): SubscriptionStatus {
  if (!profile) return 'not_subscribed';
  if (isOptedOut(profile)) return 'opted_out';
  if (profile.marketing === 'pending') return 'pending';
  if (profile.marketing !== 'subscribed') return 'not_subscribed';
  // PAUSE's property, read as every send reads it; a timed pause needs a clock this badge has not.
  return isPaused(profile, undefined) ? 'paused' : 'subscribed';
}
