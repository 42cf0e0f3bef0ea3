/**
 * Campaigns as the campaigns table holds them (Campaign in ../campaigns.ts), parsed on every read:
 * the segment with the same schema a request is checked with, the rest loose at every level. The type
 * checks hold the schema to the interfaces.
 */
import type { AudienceOutlook, QuietHoursOpening } from '../campaign-audience';
import {
  CAMPAIGN_STATES,
  type Campaign,
  type CampaignCounters,
  type CampaignEstimate,
  type CampaignSchedule,
} from '../campaigns';
import { SegmentSchema } from '../segment-schema';
import * as z from '../zod';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();
const optionalText = z.optional(text);
const count = z.number();
const counts = z.record(z.string(), count);

const openingFields = { timeZone: text, at: text, localTime: text, recipients: count };
const outlookFields = {
  quietHours: z.looseObject({ recipients: count, opens: z.readonly(z.array(z.looseObject(openingFields))) }),
  smartSending: z.looseObject({ recipients: count, hours: count }),
};

const estimateFields = {
  recipients: count,
  segmentsPerMessage: count,
  segments: z.optional(z.looseObject({ min: count, p50: count, max: count, mean: count, sampled: count })),
  costUsd: count,
  complete: z.optional(z.boolean()),
  quietHours: z.optional(outlookFields.quietHours),
  smartSending: z.optional(outlookFields.smartSending),
};

const counterFields = {
  targeted: count,
  sent: count,
  segments: z.optional(count),
  skipped: counts,
  settled: z.optional(count),
  targetedByWindow: z.optional(counts),
  settledByWindow: z.optional(counts),
  delivered: count,
  failed: count,
  clicks: count,
  optOuts: count,
  orders: count,
  revenue: count,
  variantCounts: z.optional(counts),
};

const scheduleFields = { name: text, timeZone: optionalText, at: text };

const campaignFields = {
  campaignId: text,
  name: text,
  body: text,
  variants: z.optional(z.readonly(z.array(z.looseObject({ name: text, body: text, weight: count })))),
  winner: z.optional(
    z.looseObject({
      metric: z.enum(['clicks', 'orders', 'revenue']),
      testFraction: count,
      decideAfterHours: count,
    }),
  ),
  winnerDecision: z.optional(z.looseObject({ variant: text, decidedAt: text, scores: counts })),
  mediaUrls: z.optional(z.readonly(z.array(text))),
  segment: SegmentSchema,
  sendAt: optionalText,
  sendAtLocalTime: optionalText,
  tags: z.readonly(z.array(text)),
  smartSending: z.boolean(),
  excludePausedProperty: optionalText,
  messageType: z.enum(['PROMOTIONAL', 'TRANSACTIONAL']),
  originationIdentity: optionalText,
  numberChangeId: optionalText,
  state: z.enum(CAMPAIGN_STATES),
  schedules: z.readonly(z.array(z.looseObject(scheduleFields))),
  linkSalt: text,
  estimate: z.looseObject(estimateFields),
  counters: z.looseObject(counterFields),
  dispatched: z.record(z.string(), text),
  createdAt: text,
  cancelledAt: optionalText,
};

const campaignRecord = z.looseObject(campaignFields);

const named: readonly true[] = [
  true satisfies EveryFieldNamed<QuietHoursOpening, typeof openingFields>,
  true satisfies EveryFieldNamed<AudienceOutlook, typeof outlookFields>,
  true satisfies EveryFieldNamed<CampaignEstimate, typeof estimateFields>,
  true satisfies EveryFieldNamed<CampaignCounters, typeof counterFields>,
  true satisfies EveryFieldNamed<CampaignSchedule, typeof scheduleFields>,
  true satisfies EveryFieldNamed<Campaign, typeof campaignFields>,
];
const givesCampaign = (record: z.output<typeof campaignRecord>): Campaign => record;
void named;
void givesCampaign;

/** A campaign item read from the table. */
export function parseCampaign(item: unknown): Campaign {
  return parseRecord(campaignRecord, 'campaign', ['campaignId'], item);
}
