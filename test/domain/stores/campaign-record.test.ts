import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../lambdas/domain/campaigns';
import { parseCampaign } from '../../../lambdas/domain/stores/campaign-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const AT = '2026-06-01T15:00:00.000Z';
const campaign: Campaign = {
  campaignId: 'c-1',
  name: 'Summer sale',
  body: 'Acme Coffee: 20% off today {{ link }}. Reply STOP to opt out',
  segment: { all: true, exclude: [{ property: 'vip', equals: true }] },
  sendAtLocalTime: '2026-06-02T10:00',
  tags: ['summer'],
  smartSending: true,
  messageType: 'PROMOTIONAL',
  state: 'scheduled',
  schedules: [{ name: 'c-1-ab12cd34', timeZone: 'America/New_York', at: AT }],
  linkSalt: 's3cr3t',
  estimate: {
    recipients: 250,
    segmentsPerMessage: 1,
    costUsd: 2.2,
    complete: true,
    quietHours: { recipients: 0, opens: [] },
    smartSending: { recipients: 3, hours: 16 },
  },
  counters: {
    targeted: 0,
    sent: 0,
    skipped: {},
    delivered: 0,
    failed: 0,
    clicks: 0,
    optOuts: 0,
    orders: 0,
    revenue: 0,
  },
  dispatched: {},
  createdAt: AT,
};

describe('campaigns read from the table', () => {
  it('reads a campaign as it was written, segment included', () => {
    expect(parseCampaign(JSON.parse(JSON.stringify(campaign)))).toEqual(campaign);
  });

  it.each([
    ['state', { ...campaign, state: 'paused' }],
    ['counters.sent', { ...campaign, counters: { ...campaign.counters, sent: 'many' } }],
    ['segment', { ...campaign, segment: { everyone: true } }],
    ['schedules.0.at', { ...campaign, schedules: [{ name: 'x' }] }],
  ])('refuses a campaign whose %s is wrong, naming it and the field', (field, item) => {
    expect(() => parseCampaign(item)).toThrow(CorruptRecordError);
    expect(() => parseCampaign(item)).toThrow('campaign c-1');
    expect(() => parseCampaign(item)).toThrow(`${field}`);
  });
});
