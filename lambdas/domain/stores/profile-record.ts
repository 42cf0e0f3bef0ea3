/**
 * The profile as the profiles table holds it (Profile in ../profile.ts), parsed on every read. The
 * type checks below hold the schema to the interface: a field added to Profile must be added here.
 */
import type { ConsentState } from '../consent';
import { CONFIRMATION_METHODS, MARKETING_STATES, TRANSACTIONAL_STATES, type Profile } from '../profile';
import * as z from '../zod';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();
const optionalText = z.optional(text);
const confirmation = z.optional(z.enum(CONFIRMATION_METHODS));
const marketing = z.enum(MARKETING_STATES);
const transactional = z.enum(TRANSACTIONAL_STATES);
/** A profile property's value (also what a consent event's property change sets). */
export const propertyValue = z.union([z.string(), z.number(), z.boolean()]);

/** The consent part of a profile, as the profile and each consent event's states hold it. */
export const consentStateFields = {
  marketing,
  transactional,
  optedOutAt: optionalText,
  marketingConfirmedBy: confirmation,
  properties: z.record(z.string(), propertyValue),
  optOutList: z.optional(
    z.looseObject({ listed: z.boolean(), listedAt: optionalText, lastRemovedAt: optionalText }),
  ),
  pendingClasses: z.optional(z.readonly(z.array(z.enum(['marketing', 'transactional'])))),
  beforeOptOut: z.optional(z.looseObject({ marketing, transactional, marketingConfirmedBy: confirmation })),
};

const profileFields = {
  ...consentStateFields,
  phone: text,
  timeZone: optionalText,
  consentVersion: z.number(),
  consentUpdatedAt: optionalText,
  lastConsentEventId: optionalText,
  lastSmsAt: optionalText,
  stateCapSends: z.optional(z.readonly(z.array(z.looseObject({ messageId: text, at: text })))),
  stateCapVersion: z.optional(z.number()),
  lastMarketingAt: optionalText,
  lastInboundAt: optionalText,
  lastOutbound: z.optional(
    z.looseObject({ messageId: text, awsMessageId: optionalText, campaignId: optionalText, at: text }),
  ),
  marketingSubscribedAt: optionalText,
  deliveryError: z.optional(z.looseObject({ at: text, permanent: z.boolean(), reason: text })),
  lastOrderAt: optionalText,
  lastCartAt: optionalText,
  lastViewedAt: optionalText,
  lastClickAt: optionalText,
  lastClick: z.optional(
    z.looseObject({
      at: text,
      messageId: text,
      campaignId: optionalText,
      flowId: optionalText,
      flowBranches: z.optional(z.record(z.string(), z.string())),
    }),
  ),
  orderCount: z.optional(z.number()),
  totalSpent: z.optional(z.number()),
  conversationOpen: z.optional(z.literal('open')),
  conversationOpenedAt: optionalText,
  conversationLastMessageAt: optionalText,
  conversationLastInboundAt: optionalText,
  conversationLastInboundId: optionalText,
  conversationClosedAt: optionalText,
  conversationClosedBy: optionalText,
  createdAt: text,
  updatedAt: text,
};

export const profileRecord = z.looseObject(profileFields);

type ProfileRecord = z.output<typeof profileRecord>;
/** Every field of Profile is in the schema, and what the schema gives is a Profile. */
const named: readonly true[] = [
  true satisfies EveryFieldNamed<ConsentState, typeof consentStateFields>,
  true satisfies EveryFieldNamed<Profile, typeof profileFields>,
];
const givesProfile = (record: ProfileRecord): Profile => record;
void named;
void givesProfile;

/** A profile item read from the table, without the index attributes the adapter strips first. */
export function parseProfile(item: unknown): Profile {
  return parseRecord(profileRecord, 'profile', ['phone'], item);
}
