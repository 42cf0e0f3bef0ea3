/**
 * A/B variants of a campaign (docs/campaigns.md#ab-variants): each recipient gets one variant's body,
 * chosen by a hash of the campaign id and the number, weighted. The choice depends on nothing else,
 * so every step that needs it (the sender, the segment estimate, the click and order counters) makes
 * the same choice without storing it first, and a redelivered or held text keeps its variant.
 */
import { createHash } from 'node:crypto';

export interface CampaignVariant {
  /** Letters, digits, `_` and `-` (it names the variant's counters). */
  readonly name: string;
  readonly body: string;
  /** Relative share of the audience (1 and 1 split evenly; 3 and 1 send three in four the first). */
  readonly weight: number;
}

/** What each variant counts, as `GET /v1/campaigns/{id}` shows it. */
export const VARIANT_METRICS = ['sent', 'delivered', 'clicks', 'orders', 'revenue'] as const;
export type VariantMetric = (typeof VARIANT_METRICS)[number];

/**
 * Where in [0, 1) a number falls for a campaign: the first 48 bits of SHA-256 over
 * `<campaignId>#<phone>`, uniform and independent between campaigns.
 */
export function assignmentPoint(campaignId: string, phone: string): number {
  const digest = createHash('sha256').update(`${campaignId}#${phone}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant a recipient gets: the one whose share of the weights their point falls in. */
export function variantFor<V extends CampaignVariant>(
  campaignId: string,
  phone: string,
  variants: readonly V[],
): V | undefined {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (variants.length === 0 || !(total > 0)) return undefined;
  const point = assignmentPoint(campaignId, phone) * total;
  let reached = 0;
  for (const variant of variants) {
    reached += variant.weight;
    if (point < reached) return variant;
  }
  return variants.at(-1);
}

/** The name of a recipient's variant, for a campaign with variants; undefined for one without. */
export function variantNameFor(
  campaign: { readonly campaignId: string; readonly variants?: readonly CampaignVariant[] },
  phone: string,
): string | undefined {
  return campaign.variants ? variantFor(campaign.campaignId, phone, campaign.variants)?.name : undefined;
}

/** The key of a variant's metric in the campaign's `variantCounts` counter map. */
export function variantCountKey(name: string, metric: VariantMetric): string {
  return `${name}:${metric}`;
}

/** `{ <variant>:<metric>: n }` for one recipient's variant, or nothing for a campaign without variants. */
export function variantDelta(
  name: string | undefined,
  counts: Partial<Record<VariantMetric, number>>,
): { variantCounts?: Record<string, number> } {
  if (name === undefined) return {};
  const variantCounts: Record<string, number> = {};
  for (const [metric, n] of Object.entries(counts) as [VariantMetric, number][])
    if (n) variantCounts[variantCountKey(name, metric)] = n;
  return { variantCounts };
}

/** Each variant with its counters, in the order the campaign lists them. */
export function variantsView(
  variants: readonly CampaignVariant[],
  counts: Readonly<Record<string, number>> | undefined,
) {
  return variants.map((variant) => ({
    name: variant.name,
    body: variant.body,
    weight: variant.weight,
    counters: Object.fromEntries(
      VARIANT_METRICS.map((metric) => [metric, counts?.[variantCountKey(variant.name, metric)] ?? 0]),
    ) as Record<VariantMetric, number>,
  }));
}
