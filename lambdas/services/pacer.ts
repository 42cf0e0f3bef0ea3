/**
 * Paces sends to a rate (messages per second) with a token bucket: a burst of at most one second's
 * worth (at least one message), then one token every 1/rate seconds. End User Messaging throttles
 * above the origination identity's MPS, so the sender never asks faster than that.
 */
export class Pacer {
  private tokens: number;
  private readonly capacity: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly rate: number) {
    if (!(rate > 0)) throw new Error('rate must be positive');
    // Below 1 MPS a one-second bucket would never hold a whole message.
    this.capacity = Math.max(1, rate);
    this.tokens = 1;
  }

  /**
   * Resolves when the caller may send `count` messages (at most the bucket's capacity). Callers are
   * served in order.
   */
  take(count = 1): Promise<void> {
    const wanted = Math.min(Math.max(1, count), this.capacity);
    const turn = this.queue.then(() => this.wait(wanted));
    this.queue = turn;
    return turn;
  }

  private async wait(count: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= count) {
        this.tokens -= count;
        return;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.ceil(((count - this.tokens) / this.rate) * 1000)),
      );
    }
  }
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
