/**
 * One origination identity's messages per second, shared fairly by the campaign senders draining it.
 *
 * Every sender holds a lease on the identity (renewed every few hundred milliseconds, lapsing a few
 * seconds after its holder stops renewing) and sends at the identity's rate divided by the number of
 * live leases. A sender alone uses the whole rate; two use half each; when one finishes, the other
 * speeds up within one renewal. A static split (rate ÷ the queue's maximum concurrency) left the
 * rate half used whenever one consumer ran out of queue messages before the other, which at the end
 * of every campaign it does.
 *
 * Never above the identity's rate: a sender that joins while others hold leases sends nothing until
 * each of them has renewed since it joined (a renewal returns every lease, so each has then counted
 * the newcomer and slowed down), or has let its lease lapse.
 */
export const LEASE_MS = 3_000;
export const RENEW_MS = 200;
/** How often a joining sender looks again while it waits for the others to count it. */
export const JOIN_POLL_MS = 50;
/** Allowance for clocks of different hosts when comparing a renewal time with a join time. */
export const CLOCK_MARGIN_MS = 50;

/** Expiry (epoch milliseconds) of each sender's lease, by sender id. */
export type Leases = Readonly<Record<string, number>>;

export interface LeaseCount {
  /** Live leases, this sender's included. */
  readonly live: number;
  /** Whether senders other than `self` hold live leases. */
  readonly others: boolean;
  /** Lapsed leases (their holders stopped without leaving): to be removed. */
  readonly lapsed: readonly string[];
}

export function countLeases(leases: Leases, self: string, nowMs: number): LeaseCount {
  let live = 0;
  let others = false;
  const lapsed: string[] = [];
  for (const [sender, expiresAt] of Object.entries(leases)) {
    if (expiresAt > nowMs || sender === self) {
      live += 1;
      if (sender !== self) others = true;
    } else lapsed.push(sender);
  }
  return { live: Math.max(1, live), others, lapsed };
}

/** This sender's messages per second: the identity's rate over the live leases. */
export function shareOf(identityMps: number, live: number): number {
  return identityMps / Math.max(1, live);
}

/**
 * Whether every other live sender has renewed its lease (learning of this one) since `joinedAtMs`,
 * the moment this sender's lease was written.
 */
export function othersHaveCounted(leases: Leases, self: string, joinedAtMs: number, nowMs: number): boolean {
  return Object.entries(leases).every(
    ([sender, expiresAt]) =>
      sender === self || expiresAt <= nowMs || expiresAt - LEASE_MS > joinedAtMs + CLOCK_MARGIN_MS,
  );
}
