/**
 * Segments per recipient: personalisation (`{{ first_name }}`), the opt-out language of a number's
 * first marketing text and its links can push one person's text over a segment boundary, so the
 * estimate renders the campaign text for a sample of the audience, as the sender will, and reports
 * the segments as a distribution; the cost comes from the sample's mean.
 */
import { campaignText, type CampaignSendSettings } from './campaign-send-decision';
import type { Campaign } from './campaigns';
import { segmentsPerMessage } from './campaigns';
import { samplePreferencesUrl } from './links';
import { campaignMessageClass, outboundBody } from './messages';
import type { Profile } from './profile';
import { TemplateError } from './templates';

/** Recipients whose text the estimate renders: enough for a p50 within a few percent. */
export const SEGMENT_SAMPLE_SIZE = 1000;

/** Segments of the sampled recipients' texts. */
export interface SegmentDistribution {
  readonly min: number;
  readonly p50: number;
  readonly max: number;
  /** The cost is the audience times this mean, at the country's price per segment. */
  readonly mean: number;
  /** How many recipients' texts were rendered. */
  readonly sampled: number;
}

/** What a campaign's text needs to be rendered for a recipient (smart encoding from `sending`). */
export type RecipientTextSettings = CampaignSendSettings & { readonly smartEncoding: boolean };

/**
 * The segments one recipient's text is billed: the body rendered for the profile with its links at
 * their sent length, the brand prefix and, on the number's first marketing text, the opt-out language
 * (`outboundBody`, as `send()` adds them), after smart encoding. An MMS is one message. Undefined when
 * the body does not render for this profile (the sender skips it).
 */
export function recipientSegments(
  campaign: Pick<Campaign, 'body' | 'linkSalt' | 'messageType' | 'mediaUrls'> &
    Partial<Pick<Campaign, 'campaignId' | 'variants'>>,
  profile: Profile,
  settings: RecipientTextSettings,
): number | undefined {
  if ((campaign.mediaUrls?.length ?? 0) > 0) return 1;
  try {
    const text = campaignText(
      campaign,
      profile,
      profile.phone,
      settings,
      samplePreferencesUrl(settings.linkBase),
    );
    const sent = outboundBody(text.body, campaignMessageClass(campaign), profile, settings);
    return segmentsPerMessage(sent, false, settings.smartEncoding);
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}

/** FNV-1a of the phone: the sample's order, the same whatever order the audience is read in. */
function sampleKey(phone: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < phone.length; i++) {
    hash ^= phone.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A uniform sample of the audience, one eligible recipient at a time (`add`): the `size` recipients
 * whose phones hash lowest (bottom-k sampling), so the index's page order does not bias it and every
 * count of the same audience samples the same people. Only sampled recipients are rendered.
 */
export function segmentSample(
  segmentsOf: (profile: Profile) => number | undefined,
  size = SEGMENT_SAMPLE_SIZE,
) {
  const kept: { key: number; segments: number }[] = [];
  let largest = 0;
  const findLargest = () => {
    largest = 0;
    for (let i = 1; i < kept.length; i++) if (kept[i]!.key > kept[largest]!.key) largest = i;
  };
  return {
    add(profile: Profile): void {
      const key = sampleKey(profile.phone);
      const full = kept.length >= size;
      if (full && key >= kept[largest]!.key) return;
      const segments = segmentsOf(profile);
      if (segments === undefined) return;
      if (full) kept[largest] = { key, segments };
      else kept.push({ key, segments });
      if (kept.length >= size) findLargest();
    },
    distribution(): SegmentDistribution | undefined {
      if (kept.length === 0) return undefined;
      const sorted = kept.map((entry) => entry.segments).sort((a, b) => a - b);
      const total = sorted.reduce((sum, segments) => sum + segments, 0);
      return {
        min: sorted[0]!,
        p50: sorted[Math.ceil(sorted.length / 2) - 1]!,
        max: sorted[sorted.length - 1]!,
        mean: Math.round((total / sorted.length) * 1000) / 1000,
        sampled: sorted.length,
      };
    },
  };
}
