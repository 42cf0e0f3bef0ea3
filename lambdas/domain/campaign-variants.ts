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

/**
 * A campaign that picks a winner: `testFraction` of the audience (by a hash of the number, apart from
 * the variant's) gets the variants at the send time; `decideAfterHours` later the variant with the
 * most `metric` (ties keep the first listed) goes to the rest.
 */
export interface WinnerSettings {
  readonly metric: 'clicks' | 'orders' | 'revenue';
  readonly testFraction: number;
  readonly decideAfterHours: number;
}

/** The winner as decided: the variant, when, and each variant's metric then. */
export interface WinnerDecision {
  readonly variant: string;
  readonly decidedAt: string;
  readonly scores: Readonly<Record<string, number>>;
}

/** Whether a number is in a winner campaign's test group: a hash apart from the variant's. */
export function inTestGroup(campaignId: string, phone: string, testFraction: number): boolean {
  return assignmentPoint(`${campaignId}#test`, phone) < testFraction;
}

/** The variant with the most of the metric; ties keep the first listed. */
export function decideWinner(
  variants: readonly CampaignVariant[],
  metric: WinnerSettings['metric'],
  counts: Readonly<Record<string, number>> | undefined,
  decidedAt: string,
): WinnerDecision {
  const scores = Object.fromEntries(
    variants.map((v) => [v.name, counts?.[variantCountKey(v.name, metric)] ?? 0]),
  );
  let best = variants[0]!;
  for (const variant of variants) if (scores[variant.name]! > scores[best.name]!) best = variant;
  return { variant: best.name, decidedAt, scores };
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

/** What choosing a recipient's variant reads of a campaign. */
export interface VariantCampaign {
  readonly campaignId: string;
  readonly variants?: readonly CampaignVariant[];
  readonly winner?: WinnerSettings;
  readonly winnerDecision?: WinnerDecision;
}

/**
 * A recipient's variant: their own by the weights; in a winner campaign, outside the test group, the
 * winner once decided (before that they are not texted: the dispatcher holds them).
 */
export function recipientVariant(campaign: VariantCampaign, phone: string): CampaignVariant | undefined {
  const { campaignId, variants, winner, winnerDecision } = campaign;
  if (!variants) return undefined;
  if (winner && winnerDecision && !inTestGroup(campaignId, phone, winner.testFraction))
    return variants.find((v) => v.name === winnerDecision.variant) ?? variantFor(campaignId, phone, variants);
  return variantFor(campaignId, phone, variants);
}

/** The name of a recipient's variant, for a campaign with variants; undefined for one without. */
export function variantNameFor(campaign: VariantCampaign, phone: string): string | undefined {
  return recipientVariant(campaign, phone)?.name;
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
