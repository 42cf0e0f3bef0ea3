/**
 * `optline campaigns status` as printed: an A/B campaign shows each variant's counters, and the
 * winner, before it is decided (when it will be) and after (which, by how much).
 */
import { describe, expect, it } from 'vitest';
import { isSettled, renderCampaign } from '../../cli/campaign-progress';
import type { Campaign } from '../../client';

const counters = (sent: number, clicks: number) => ({ sent, delivered: sent, clicks, orders: 0, revenue: 0 });

const campaign = {
  campaignId: 'cmp_ab',
  name: 'Beans or mug',
  state: 'sending',
  sendAt: '2026-11-10T23:05:00.000Z',
  sendAtLocalTime: null,
  estimate: { recipients: 60, segmentsPerMessage: 1, costUsd: 0.5, complete: true },
  counters: {
    targeted: 24,
    sent: 24,
    segments: 24,
    skipped: {},
    pending: 0,
    pendingBy: { waiting_for_quiet_hours: 0, queued: 0 },
    nextSendAt: null,
    delivered: 24,
    failed: 0,
    clicks: 3,
    optOuts: 0,
    orders: 0,
    revenue: 0,
  },
  variants: [
    { name: 'percent', body: 'a', weight: 1, counters: counters(11, 1) },
    { name: 'gift', body: 'b', weight: 1, counters: counters(13, 2) },
  ],
  winner: {
    metric: 'clicks',
    testFraction: 0.4,
    decideAfterHours: 2,
    decideAt: '2026-11-11T01:05:00.000Z',
    variant: null,
    decidedAt: null,
    scores: null,
  },
  cancelledAt: null,
} as unknown as Campaign;

describe('campaign status', () => {
  it("shows each variant's counters and when the winner is decided", () => {
    const text = renderCampaign(campaign);
    expect(text).toContain(
      '  variant    percent  sent 11   delivered 11   clicks 1   orders 0   revenue 0.00',
    );
    expect(text).toContain(
      '  variant    gift     sent 13   delivered 13   clicks 2   orders 0   revenue 0.00',
    );
    expect(text).toContain('  winner     by clicks, decided at 2026-11-11T01:05:00.000Z (test group 40%)');
    expect(isSettled(campaign)).toBe(false);
  });

  it('shows the winner once decided, with the scores it was decided on', () => {
    const decided = {
      ...campaign,
      winner: {
        ...campaign.winner!,
        variant: 'gift',
        decidedAt: '2026-11-11T01:05:02.000Z',
        scores: { percent: 1, gift: 2 },
      },
    } as Campaign;
    expect(renderCampaign(decided)).toContain(
      '  winner     gift by clicks (percent 1, gift 2), decided 2026-11-11T01:05:02.000Z (test group 40%)',
    );
  });

  it('shows neither for a campaign with one body', () => {
    const text = renderCampaign({ ...campaign, variants: null, winner: null } as Campaign);
    expect(text).not.toContain('variant');
    expect(text).not.toContain('winner');
  });
});
