/** Fair shares of a number's messages per second among campaign senders, decided from their leases. */
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MARGIN_MS,
  countLeases,
  LEASE_MS,
  othersHaveCounted,
  shareOf,
} from '../../lambdas/domain/throughput-share';

const NOW = 1_000_000;

describe('countLeases', () => {
  it('counts live leases, this sender always among them, and lists lapsed ones', () => {
    const count = countLeases({ me: NOW - 1, a: NOW + 500, b: NOW - 10, c: NOW }, 'me', NOW);
    expect(count).toEqual({ live: 2, others: true, lapsed: ['b', 'c'] });
  });

  it('is one when this sender is alone, even before its own lease is seen', () => {
    expect(countLeases({ me: NOW + LEASE_MS }, 'me', NOW)).toEqual({ live: 1, others: false, lapsed: [] });
    expect(countLeases({}, 'me', NOW)).toEqual({ live: 1, others: false, lapsed: [] });
  });
});

describe('shareOf', () => {
  it("divides the number's rate by the live senders", () => {
    expect(shareOf(200, 1)).toBe(200);
    expect(shareOf(200, 2)).toBe(100);
    expect(shareOf(1, 4)).toBe(0.25);
    expect(shareOf(200, 0)).toBe(200);
  });
});

describe('othersHaveCounted', () => {
  const joinedAt = NOW - 300;
  /** A lease renewed `msAfterJoin` after the join (its expiry is the renewal time plus LEASE_MS). */
  const renewedAfterJoin = (msAfterJoin: number) => joinedAt + msAfterJoin + LEASE_MS;

  it('is true only when every other live sender renewed after the join, beyond the clock margin', () => {
    expect(
      othersHaveCounted(
        { me: NOW + LEASE_MS, a: renewedAfterJoin(CLOCK_MARGIN_MS + 1) },
        'me',
        joinedAt,
        NOW,
      ),
    ).toBe(true);
    expect(
      othersHaveCounted({ me: NOW + LEASE_MS, a: renewedAfterJoin(CLOCK_MARGIN_MS) }, 'me', joinedAt, NOW),
    ).toBe(false);
    expect(
      othersHaveCounted(
        { me: NOW + LEASE_MS, a: renewedAfterJoin(200), b: renewedAfterJoin(-10) },
        'me',
        joinedAt,
        NOW,
      ),
    ).toBe(false);
  });

  it('does not wait for a sender whose lease has lapsed, nor when alone', () => {
    expect(othersHaveCounted({ me: NOW + LEASE_MS, gone: NOW - 1 }, 'me', joinedAt, NOW)).toBe(true);
    expect(othersHaveCounted({ me: NOW + LEASE_MS }, 'me', joinedAt, NOW)).toBe(true);
  });
});
