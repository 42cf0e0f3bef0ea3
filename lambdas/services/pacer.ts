/**
 * Paces sends to a rate (messages per second) with a token bucket: a burst of at most one second's
 * worth (at least one message), then one token every 1/rate seconds. End User Messaging throttles
 * above the origination identity's MPS, so the sender never asks faster than that.
 */
export class Pacer {
  private tokens: number;
  private capacity: number;
  private current: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();
  /** Wakes the caller waiting for tokens (there is at most one: callers are served in order). */
  private wake: (() => void) | undefined;

  constructor(rate: number) {
    this.current = positive(rate);
    // Below 1 MPS a one-second bucket would never hold a whole message.
    this.capacity = Math.max(1, rate);
    this.tokens = 1;
  }

  get rate(): number {
    return this.current;
  }

  /**
   * Changes the rate from now on (a sender's share of the number when other senders start or stop):
   * tokens earned so far were earned at the old rate, and the bucket shrinks with a lower rate.
   */
  setRate(rate: number): void {
    positive(rate);
    if (rate === this.current) return;
    this.refill();
    this.current = rate;
    this.capacity = Math.max(1, rate);
    this.tokens = Math.min(this.tokens, this.capacity);
    this.wake?.();
  }

  /**
   * Resolves when the caller may send `count` messages (at most the bucket's capacity). Callers are
   * served in order.
   */
  take(count = 1): Promise<void> {
    const wanted = Math.max(1, count);
    const turn = this.queue.then(() => this.wait(wanted));
    this.queue = turn;
    return turn;
  }

  /** Returns slots taken but not used (a recipient skipped at send time texts nobody). */
  giveBack(count: number): void {
    if (!(count > 0)) return;
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + count);
    this.wake?.();
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.current);
    this.last = now;
  }

  private async wait(count: number): Promise<void> {
    for (;;) {
      this.refill();
      // A group larger than a lowered rate's bucket waits for a full bucket.
      const wanted = Math.min(count, this.capacity);
      if (this.tokens >= wanted) {
        this.tokens -= wanted;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.ceil(((wanted - this.tokens) / this.current) * 1000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

function positive(rate: number): number {
  if (!(rate > 0)) throw new Error('rate must be positive');
  return rate;
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
}
