/**
 * Approximate outbound prices, in USD, for the cost estimate of `optline preview` and the linter.
 *
 * These are public list prices of AWS End User Messaging as of 2025, written from memory of the
 * pricing page (https://aws.amazon.com/end-user-messaging/pricing/) and not checked against a live
 * copy of it: treat every figure as approximate. Prices change often, differ by carrier and by
 * origination type (toll-free, 10DLC, short code, sender ID), and exclude number leases,
 * registration fees and taxes. A caller that knows its real rates passes its own `PriceTable`.
 *
 * US and Canadian carriers add a pass-through fee to every A2P segment. The US SMS figure is the AWS
 * base price (about $0.00581 per segment) plus a typical registered-10DLC carrier fee (AT&T and
 * T-Mobile about $0.003, Verizon about $0.004 in 2025). Elsewhere the carrier fee is
 * included in the AWS price.
 */

export interface CountryPrice {
  /** AWS End User Messaging's price per outbound SMS segment (message part). */
  readonly smsUsd: number;
  /** Carrier pass-through fee per outbound SMS segment, averaged over the major carriers. */
  readonly smsCarrierFeeUsd?: number;
  /** Price per outbound MMS; absent where End User Messaging sends no MMS. */
  readonly mmsUsd?: number;
  /** Carrier pass-through fee per outbound MMS. */
  readonly mmsCarrierFeeUsd?: number;
}

/** Prices keyed by ISO 3166-1 alpha-2 destination country. */
export type PriceTable = Readonly<Record<string, CountryPrice>>;

export const DEFAULT_PRICES: PriceTable = {
  US: { smsUsd: 0.00581, smsCarrierFeeUsd: 0.00302, mmsUsd: 0.02, mmsCarrierFeeUsd: 0.0067 },
  CA: { smsUsd: 0.0075, mmsUsd: 0.02 },
  GB: { smsUsd: 0.0395 },
  AU: { smsUsd: 0.045 },
  DE: { smsUsd: 0.095 },
  FR: { smsUsd: 0.072 },
  MX: { smsUsd: 0.03 },
  IN: { smsUsd: 0.0028 },
};
