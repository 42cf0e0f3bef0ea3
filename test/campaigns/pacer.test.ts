/** The campaign sender's token bucket: never faster than the rate, groups of sends included. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer } from '../../lambdas/services/pacer';

describe('Pacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Times (ms) at which each of `counts` takes resolved. */
  async function grantTimes(pacer: Pacer, counts: number[], runMs: number): Promise<number[]> {
    const times: number[] = [];
    for (const count of counts) void pacer.take(count).then(() => times.push(Date.now()));
    await vi.advanceTimersByTimeAsync(runMs);
    return times;
  }

  it('lets one message go at once, then one every 1/rate seconds', async () => {
    const times = await grantTimes(new Pacer(10), [1, 1, 1, 1], 1000);
    expect(times).toHaveLength(4);
    expect(times[0]).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
  });

  it('grants a group only when the bucket holds all of it', async () => {
    const times = await grantTimes(new Pacer(100), [1, 5, 5], 1000);
    expect(times).toHaveLength(3);
    // 5 tokens take 50 ms at 100 per second.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(50);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(50);
  });

  it('caps a group at one second of the rate and still sends below 1 message per second', async () => {
    const slow = await grantTimes(new Pacer(0.5), [1, 1, 1], 5000);
    expect(slow).toEqual([0, 2000, 4000]);
    vi.setSystemTime(10_000);
    const capped = await grantTimes(new Pacer(2), [1, 50], 2000);
    expect(capped).toHaveLength(2);
  });

  it('changes rate mid-run: slower after a lower share, faster after a higher one', async () => {
    const pacer = new Pacer(100);
    const early = await grantTimes(pacer, [1, 1, 1], 30);
    expect(early).toEqual([0, 10, 20]);
    pacer.setRate(10);
    vi.setSystemTime(1000);
    const slow = await grantTimes(pacer, [10, 1], 1000);
    // The bucket refilled to the lower rate's capacity (10), then one token every 100 ms.
    expect(slow).toEqual([1000, 1100]);
    pacer.setRate(1000);
    vi.setSystemTime(2000);
    const fast = await grantTimes(pacer, [5, 5], 100);
    expect(fast[1]! - fast[0]!).toBeLessThanOrEqual(5);
    expect(() => pacer.setRate(0)).toThrow(/positive/);
  });

  it('takes back slots that were not used, at once, up to one second of the rate', async () => {
    const pacer = new Pacer(10);
    const times: number[] = [];
    for (const count of [1, 1]) void pacer.take(count).then(() => times.push(Date.now()));
    await vi.advanceTimersByTimeAsync(50);
    expect(times).toEqual([0]);
    // The waiting take gets the returned slot now instead of at 100 ms.
    pacer.giveBack(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([0, 50]);
    pacer.giveBack(1000);
    const burst = await grantTimes(pacer, [10, 1], 50);
    expect(burst).toEqual([50]);
  });
});
