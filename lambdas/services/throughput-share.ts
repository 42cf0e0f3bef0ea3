/**
 * Keeps one campaign sender's pacer at its fair share of the origination identity's messages per
 * second (lambdas/domain/throughput-share.ts): a lease renewed every RENEW_MS while the sender works,
 * the pacer's rate set from the live leases after each renewal, the lease removed when it is done.
 */
import {
  countLeases,
  JOIN_POLL_MS,
  LEASE_MS,
  othersHaveCounted,
  RENEW_MS,
  shareOf,
  type Leases,
} from '../domain/throughput-share';
import type { SenderLeaseStore } from '../domain/stores/sender-lease';
import type { Pacer } from './pacer';

export interface ThroughputShareOptions {
  readonly store: SenderLeaseStore;
  /** The origination identity whose rate is shared. */
  readonly identity: string;
  readonly identityMps: number;
  /**
   * The rate when the leases cannot be read (the identity's rate over the queue's maximum
   * concurrency: what no set of consumers can exceed together).
   */
  readonly fallbackMps: number;
  readonly senderId: string;
  readonly pacer: Pacer;
  readonly onError?: (error: unknown) => void;
}

export class ThroughputShare {
  private timer: ReturnType<typeof setInterval> | undefined;
  private renewing: Promise<Leases | undefined> | undefined;
  private left = false;

  constructor(private readonly options: ThroughputShareOptions) {}

  /**
   * Takes a lease and sets the pacer's rate. When others are sending, resolves only once each of
   * them has counted this sender (and so slowed down), or has stopped; at the latest after LEASE_MS.
   */
  async join(): Promise<void> {
    const first = await this.renew();
    // Measured after the write: a renewal that others start later is applied after it, and sees it.
    const joinedAt = Date.now();
    const giveUpAt = joinedAt + LEASE_MS;
    let leases = first;
    while (leases && !othersHaveCounted(leases, this.options.senderId, joinedAt, Date.now())) {
      if (Date.now() >= giveUpAt) break;
      await new Promise((resolve) => setTimeout(resolve, JOIN_POLL_MS));
      leases = await this.renew();
    }
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
  }

  /** Stops renewing and gives the lease up, so the others speed up at their next renewal. */
  async leave(): Promise<void> {
    this.left = true;
    if (this.timer) clearInterval(this.timer);
    await this.renewing;
    try {
      await this.options.store.remove(this.options.identity, [this.options.senderId]);
    } catch (error) {
      // The lease lapses on its own within LEASE_MS.
      this.options.onError?.(error);
    }
  }

  /**
   * One renewal (never two at once), which sets the pacer's rate; the leases it read, or undefined
   * when they cannot be read (the pacer is then at the fallback rate, which needs no one's agreement).
   */
  private renew(): Promise<Leases | undefined> {
    if (this.left) return Promise.resolve(undefined);
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renewOnce(): Promise<Leases | undefined> {
    const { store, identity, senderId, pacer } = this.options;
    try {
      const leases = await store.renew(identity, senderId, Date.now() + LEASE_MS);
      if (this.left) return undefined;
      const count = countLeases(leases, senderId, Date.now());
      pacer.setRate(shareOf(this.options.identityMps, count.live));
      if (count.lapsed.length > 0) await store.remove(identity, count.lapsed);
      return leases;
    } catch (error) {
      pacer.setRate(this.options.fallbackMps);
      this.options.onError?.(error);
      return undefined;
    }
  }
}
