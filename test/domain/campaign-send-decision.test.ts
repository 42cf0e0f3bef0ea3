import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideCampaignSend,
  STOP_BEFORE_TIMEOUT_MS,
  type CampaignSendSettings,
  type FoundClaim,
  type ReadFacts,
} from '../../lambdas/domain/campaign-send-decision';
import { EMPTY_COUNTERS, type Campaign } from '../../lambdas/domain/campaigns';
import { linkCode } from '../../lambdas/domain/links';
import { CLAIM_CONFIRMATION_SECONDS } from '../../lambdas/domain/messages';
import type { Profile } from '../../lambdas/domain/profile';
import { quietHoursDecision, recipientTimeZone, sendWindowFor } from '../../lambdas/domain/quiet-hours';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { TemplateError } from '../../lambdas/domain/templates';

const settings: CampaignSendSettings = {
  ...RuntimeConfigSchema.parse({ brand: 'Acme Coffee', supportContact: 'help@acme.example' }),
  defaultTimeZone: 'America/New_York',
  linkBase: 'https://l.acme.example',
};
const NEW_YORK = '+12125550100';
const MIAMI = '+13055550100';
const AUSTIN = '+15125550100';
// 15:00 on a Tuesday in New York and Miami.
const DAY = new Date('2026-04-14T19:00:00Z');
// 23:30 in New York: its window opens at 08:00.
const NIGHT = new Date('2026-04-15T03:30:00Z');
const NEXT_MORNING = new Date('2026-04-15T12:00:00Z');
// 20:30 in Miami: inside the configured 08:00–21:00, outside Florida's 08:00–20:00.
const FLORIDA_EVENING = new Date('2026-04-15T00:30:00Z');
// 10:00 on a Sunday in Austin: Texas allows texts from 12:00 on Sundays.
const TEXAS_SUNDAY = new Date('2026-04-19T15:00:00Z');
const TEXAS_SUNDAY_NOON = new Date('2026-04-19T17:00:00Z');

const campaign: Campaign = {
  campaignId: 'c-1',
  name: 'Spring',
  body: 'Hi {{ first_name | default: "there" }}, spring beans: https://acme.example/spring',
  segment: { all: true },
  tags: [],
  smartSending: true,
  excludePausedProperty: 'Paused-BFCM2025',
  messageType: 'PROMOTIONAL',
  state: 'sending',
  schedules: [],
  linkSalt: 'salt',
  estimate: { recipients: 1, segmentsPerMessage: 1, costUsd: 0 },
  counters: EMPTY_COUNTERS,
  dispatched: {},
  createdAt: '2026-04-01T00:00:00.000Z',
};
const profile = (phone: string, extra: Partial<Profile> = {}): Profile => ({
  phone,
  marketing: 'subscribed',
  transactional: 'never_subscribed',
  marketingConfirmedBy: 'double_opt_in',
  properties: { first_name: 'Ana' },
  consentVersion: 2,
  lastMarketingAt: '2026-03-01T00:00:00.000Z',
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...extra,
});
const subscriber = profile(NEW_YORK);
const shortLink = (phone: string) => `https://l.acme.example/r/${linkCode('salt', phone, 0)}`;
const textFor = (phone: string, name = 'Ana') => ({
  body: `Hi ${name}, spring beans: ${shortLink(phone)}`,
  links: [{ code: linkCode('salt', phone, 0), url: 'https://acme.example/spring' }],
});
const intent = {
  messageClass: 'marketing',
  smartSending: true,
  pausedProperties: ['Paused-BFCM2025'],
};
const read = (overrides: Partial<ReadFacts> = {}): ReadFacts => ({
  stage: 'read',
  campaign,
  recipient: { phone: NEW_YORK },
  now: DAY,
  profile: subscriber,
  ...overrides,
});
const ago = (seconds: number, from = DAY) => new Date(from.getTime() - seconds * 1000).toISOString();

describe('campaign send decision, queued (before a slot or a read)', () => {
  it.each([
    ['a campaign in progress, by day', {}, { action: 'take_slot' }],
    [
      'a cancelled campaign',
      { campaign: { ...campaign, state: 'cancelled' as const } },
      { action: 'skip', reason: 'cancelled' },
    ],
    ['a campaign that is gone', { campaign: undefined }, { action: 'skip', reason: 'cancelled' }],
    [
      'quiet hours in the zone on the queue',
      { now: NIGHT },
      { action: 'hold', until: NEXT_MORNING, zone: 'America/New_York', reason: 'quiet_hours' },
    ],
    [
      "Florida's shorter window (state law)",
      { now: FLORIDA_EVENING, recipient: { phone: MIAMI, zone: 'America/New_York' } },
      { action: 'hold', until: NEXT_MORNING, zone: 'America/New_York', reason: 'quiet_hours' },
    ],
    [
      "Texas's Sunday window (state law)",
      { now: TEXAS_SUNDAY, recipient: { phone: AUSTIN, zone: 'America/Chicago' } },
      { action: 'hold', until: TEXAS_SUNDAY_NOON, zone: 'America/Chicago', reason: 'quiet_hours' },
    ],
    [
      'quiet hours with no zone on the queue (the read decides)',
      { now: NIGHT, recipient: { phone: NEW_YORK } },
      { action: 'take_slot' },
    ],
    [
      'a transactional campaign at night (no quiet hours)',
      { now: NIGHT, campaign: { ...campaign, messageType: 'TRANSACTIONAL' as const } },
      { action: 'take_slot' },
    ],
    ['less than a minute before the timeout', { msLeft: STOP_BEFORE_TIMEOUT_MS - 1 }, { action: 'requeue' }],
    ['exactly a minute before the timeout', { msLeft: STOP_BEFORE_TIMEOUT_MS }, { action: 'take_slot' }],
    [
      'quiet hours and out of time (held: it could not go anyway)',
      { now: NIGHT, msLeft: 1000 },
      { action: 'hold', until: NEXT_MORNING, zone: 'America/New_York', reason: 'quiet_hours' },
    ],
  ])('%s', (_case, overrides, expected) => {
    const facts = {
      stage: 'queued' as const,
      campaign,
      recipient: { phone: NEW_YORK, zone: 'America/New_York' },
      now: DAY,
      ...overrides,
    };
    expect(decideCampaignSend(facts, settings)).toEqual(expected);
  });
});

describe('campaign send decision, slotted (the campaign read again)', () => {
  it.each([
    ['in progress', campaign, { action: 'read_profile' }],
    [
      'cancelled while waiting for the slot',
      { ...campaign, state: 'cancelled' as const },
      { action: 'skip', reason: 'cancelled' },
    ],
  ])('%s', (_case, current, expected) => {
    const facts = { stage: 'slotted' as const, campaign: current, recipient: { phone: NEW_YORK }, now: DAY };
    expect(decideCampaignSend(facts, settings)).toEqual(expected);
  });
});

describe('campaign send decision, with the profile just read', () => {
  it('sends the body rendered for the recipient, with a short link of theirs', () => {
    expect(decideCampaignSend(read(), settings)).toEqual({ action: 'send', text: textFor(NEW_YORK), intent });
  });

  it('sends from the campaign’s identity with its media', () => {
    const numberChange = {
      ...campaign,
      excludePausedProperty: undefined,
      originationIdentity: 'phone-old',
      mediaUrls: ['https://acme.example/card.vcf'],
    };
    expect(decideCampaignSend(read({ campaign: numberChange }), settings)).toMatchObject({
      action: 'send',
      intent: {
        pausedProperties: [],
        from: 'phone-old',
        mediaUrls: ['https://acme.example/card.vcf'],
      },
    });
  });

  const skipped = (reason: string, body = textFor(NEW_YORK).body) => ({
    action: 'skip',
    reason,
    record: { body, messageClass: 'marketing' },
  });
  it.each([
    ['there is no profile', { profile: undefined }, skipped('not_subscribed', campaign.body)],
    ['opted out', { profile: profile(NEW_YORK, { optedOutAt: ago(60) }) }, skipped('opted_out')],
    [
      'no longer subscribed',
      { profile: profile(NEW_YORK, { marketing: 'unsubscribed' }) },
      skipped('not_subscribed'),
    ],
    [
      'permanently undeliverable',
      {
        profile: profile(NEW_YORK, {
          deliveryError: { at: ago(60), permanent: true, reason: 'TEXT_INVALID' },
        }),
      },
      skipped('undeliverable'),
    ],
    [
      'in the error segment (a temporary failure 29 days ago)',
      {
        profile: profile(NEW_YORK, {
          deliveryError: { at: ago(29 * 86_400), permanent: false, reason: 'TEXT_CARRIER_UNREACHABLE' },
        }),
      },
      skipped('error_segment'),
    ],
    [
      'paused by PAUSE',
      { profile: profile(NEW_YORK, { properties: { first_name: 'Ana', Paused: true } }) },
      skipped('paused'),
    ],
    [
      'paused by the campaign’s excluded property',
      { profile: profile(NEW_YORK, { properties: { first_name: 'Ana', 'Paused-BFCM2025': 'yes' } }) },
      skipped('paused'),
    ],
    [
      'texted within the smart-sending window (recorded as send() records it: branded)',
      { profile: profile(NEW_YORK, { lastSmsAt: ago(2 * 3600) }) },
      skipped('smart_sending', `Acme Coffee: ${textFor(NEW_YORK).body}`),
    ],
  ])('skips and records a recipient %s', (_case, overrides, expected) => {
    expect(decideCampaignSend(read(overrides), settings)).toEqual(expected);
  });

  it('skips a recipient whose window never opens (configured 21:00–22:00, Florida ends at 20:00)', () => {
    const lateWindow = { ...settings, quietHours: { start: '21:00', end: '22:00' } };
    expect(
      decideCampaignSend(read({ profile: profile(MIAMI), recipient: { phone: MIAMI } }), lateWindow),
    ).toEqual(skipped('quiet_hours_deadline', `Acme Coffee: ${textFor(MIAMI).body}`));
  });

  it.each([
    [
      'a temporary failure 31 days ago',
      { deliveryError: { at: ago(31 * 86_400), permanent: false, reason: 'TTL' } },
    ],
    [
      'a pause property set to false',
      { properties: { first_name: 'Ana', Paused: false, 'Paused-BFCM2025': 0 } },
    ],
    [
      'a segment it no longer matches (judged at dispatch)',
      { properties: { first_name: 'Ana', coffee: 'hot' } },
    ],
    ['a text 25 hours ago', { lastSmsAt: ago(25 * 3600) }],
  ])('still sends to a recipient with %s', (_case, extra) => {
    const segmented = { ...campaign, segment: { property: 'coffee', equals: 'iced' } };
    expect(
      decideCampaignSend(read({ campaign: segmented, profile: profile(NEW_YORK, extra) }), settings),
    ).toMatchObject({
      action: 'send',
    });
  });

  it('sends within the smart-sending window when the campaign or the config turns it off', () => {
    const recent = profile(NEW_YORK, { lastSmsAt: ago(3600) });
    const off = { ...campaign, smartSending: false };
    expect(decideCampaignSend(read({ campaign: off, profile: recent }), settings)).toMatchObject({
      action: 'send',
    });
    expect(
      decideCampaignSend(read({ profile: recent }), { ...settings, smartSendingHours: 0 }),
    ).toMatchObject({
      action: 'send',
    });
  });

  it.each([
    [
      'quiet hours in the profile’s zone, kept under the zone it was dispatched in',
      { now: NIGHT, recipient: { phone: NEW_YORK, zone: 'America/New_York' } },
      { until: NEXT_MORNING, zone: 'America/New_York' },
    ],
    [
      'quiet hours with no zone on the queue: the number’s zone goes with it',
      { now: NIGHT },
      { until: NEXT_MORNING, zone: 'America/New_York' },
    ],
    [
      'a profile that moved to Tokyo since the dispatch (04:00 there)',
      {
        profile: profile(NEW_YORK, { timeZone: 'Asia/Tokyo' }),
        recipient: { phone: NEW_YORK, zone: 'America/New_York' },
      },
      { until: new Date('2026-04-14T23:00:00Z'), zone: 'America/New_York' },
    ],
    [
      "Florida's shorter window",
      { now: FLORIDA_EVENING, profile: profile(MIAMI), recipient: { phone: MIAMI } },
      { until: NEXT_MORNING, zone: 'America/New_York' },
    ],
    [
      "Texas's Sunday window",
      { now: TEXAS_SUNDAY, profile: profile(AUSTIN), recipient: { phone: AUSTIN } },
      { until: TEXAS_SUNDAY_NOON, zone: 'America/Chicago' },
    ],
  ])('holds for %s', (_case, overrides, expected) => {
    expect(decideCampaignSend(read(overrides), settings)).toEqual({
      action: 'hold',
      reason: 'quiet_hours',
      ...expected,
    });
  });

  it('sends a transactional campaign at night, and skips a recipient without transactional consent', () => {
    const transactional = { ...campaign, messageType: 'TRANSACTIONAL' as const };
    const consenting = profile(NEW_YORK, { transactional: 'subscribed' });
    expect(
      decideCampaignSend(read({ campaign: transactional, profile: consenting, now: NIGHT }), settings),
    ).toMatchObject({
      action: 'send',
      intent: { messageClass: 'transactional' },
    });
    expect(decideCampaignSend(read({ campaign: transactional }), settings)).toEqual({
      action: 'skip',
      reason: 'no_transactional_consent',
      record: { body: `Acme Coffee: ${textFor(NEW_YORK).body}`, messageClass: 'transactional' },
    });
  });

  it('skips a cancelled campaign without recording anything', () => {
    expect(decideCampaignSend(read({ campaign: { ...campaign, state: 'cancelled' } }), settings)).toEqual({
      action: 'skip',
      reason: 'cancelled',
    });
  });

  it('sends the text an earlier attempt rendered, not one rendered again', () => {
    const renamed = profile(NEW_YORK, { properties: { first_name: 'Bea' } });
    const decision = decideCampaignSend(read({ profile: renamed, text: textFor(NEW_YORK) }), settings);
    expect(decision).toMatchObject({ action: 'send', text: textFor(NEW_YORK) });
    expect(decideCampaignSend(read({ profile: renamed }), settings)).toMatchObject({
      text: textFor(NEW_YORK, 'Bea'),
    });
  });

  it('throws for a body that does not render (the sender fails the group for SQS to redeliver)', () => {
    const broken = { ...campaign, body: 'Hi {{ first_name | no_such_filter }}' };
    expect(() => decideCampaignSend(read({ campaign: broken }), settings)).toThrow(TemplateError);
  });

  describe('a claim the send found on the message id', () => {
    const sending = (at: string, extra: Partial<FoundClaim> = {}): FoundClaim => ({
      status: 'sending',
      at,
      ...extra,
    });
    const old = ago(CLAIM_CONFIRMATION_SECONDS);
    it.each([
      [
        'unconfirmed and young: held until its window has passed',
        sending(ago(60)),
        {
          action: 'hold',
          until: new Date(DAY.getTime() + (CLAIM_CONFIRMATION_SECONDS - 60) * 1000),
          zone: 'America/New_York',
          reason: 'unconfirmed_claim',
        },
      ],
      [
        'unconfirmed for the whole window: taken over',
        sending(old),
        { action: 'send', text: textFor(NEW_YORK), intent, takeOver: old },
      ],
      [
        'with End User Messaging’s message id: left',
        sending(old, { awsMessageId: 'aws-1' }),
        { action: 'leave' },
      ],
      ['sent: left', { status: 'sent', at: old }, { action: 'leave' }],
      ['delivered: left', { status: 'delivered', at: old }, { action: 'leave' }],
      ['failed: left', { status: 'failed', at: old }, { action: 'leave' }],
      ['skipped: left', { status: 'skipped', at: old }, { action: 'leave' }],
      ['with a time that does not parse: left', sending('not a time'), { action: 'leave' }],
    ])('%s', (_case, claim, expected) => {
      expect(decideCampaignSend(read({ claim }), settings)).toEqual(expected);
    });

    it('is not taken over for a recipient who opted out since', () => {
      const optedOut = profile(NEW_YORK, { optedOutAt: ago(1) });
      expect(decideCampaignSend(read({ profile: optedOut, claim: sending(old) }), settings)).toMatchObject({
        action: 'skip',
        reason: 'opted_out',
      });
    });
  });
});

describe('campaign send decision, invariants', () => {
  const phones = [NEW_YORK, MIAMI, AUSTIN, '+12065550100', '+447700900123'];
  const zones = ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London', 'Asia/Tokyo'];
  const time = fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2027-01-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const anyProfile = fc
    .record({
      phone: fc.constantFrom(...phones),
      marketing: fc.constantFrom('never_subscribed', 'pending', 'subscribed', 'unsubscribed' as const),
      transactional: fc.constantFrom('never_subscribed', 'subscribed', 'unsubscribed' as const),
      optedOut: fc.option(
        time.map((d) => d.toISOString()),
        { nil: undefined },
      ),
      paused: fc.constantFrom(undefined, true, false, 'yes', '', 0, 1),
      excluded: fc.constantFrom(undefined, true, false, 'yes', '', 0, 1),
      timeZone: fc.option(fc.constantFrom(...zones, 'Not/AZone'), { nil: undefined }),
      lastSmsAt: fc.option(
        time.map((d) => d.toISOString()),
        { nil: undefined },
      ),
      error: fc.option(
        fc.record({
          at: time.map((d) => d.toISOString()),
          permanent: fc.boolean(),
          reason: fc.constant('X'),
        }),
        {
          nil: undefined,
        },
      ),
    })
    .map((p): Profile => ({
      ...profile(p.phone, {
        marketing: p.marketing,
        transactional: p.transactional,
        ...(p.optedOut ? { optedOutAt: p.optedOut } : {}),
        ...(p.timeZone ? { timeZone: p.timeZone } : {}),
        ...(p.lastSmsAt ? { lastSmsAt: p.lastSmsAt } : {}),
        ...(p.error ? { deliveryError: p.error } : {}),
      }),
      properties: {
        first_name: 'Ana',
        ...(p.paused !== undefined ? { Paused: p.paused } : {}),
        ...(p.excluded !== undefined ? { 'Paused-BFCM2025': p.excluded } : {}),
      },
    }));
  const anyCampaign = fc
    .record({
      state: fc.constantFrom('scheduled', 'sending', 'dispatched', 'cancelled' as const),
      messageType: fc.constantFrom('PROMOTIONAL', 'TRANSACTIONAL' as const),
      smartSending: fc.boolean(),
    })
    .map((c): Campaign => ({ ...campaign, ...c }));
  const anyClaim = fc.option(
    fc.record({
      status: fc.constantFrom('sending', 'sent', 'delivered', 'failed', 'skipped'),
      at: time.map((d) => d.toISOString()),
      awsMessageId: fc.option(fc.constant('aws-1'), { nil: undefined }),
    }),
    { nil: undefined },
  );
  const anyRead = fc.record({
    campaign: anyCampaign,
    profile: anyProfile,
    zone: fc.option(fc.constantFrom(...zones), { nil: undefined }),
    now: time,
    claim: anyClaim,
    smartSendingHours: fc.constantFrom(0, 24, 168),
  });
  const truthy = (value: unknown) => value !== undefined && value !== false && value !== '' && value !== 0;
  const factsOf = (r: {
    campaign: Campaign;
    profile: Profile;
    zone: string | undefined;
    now: Date;
    claim: FoundClaim | undefined;
  }) =>
    read({
      campaign: r.campaign,
      profile: r.profile,
      recipient: { phone: r.profile.phone, ...(r.zone ? { zone: r.zone } : {}) },
      now: r.now,
      ...(r.claim ? { claim: r.claim } : {}),
    });

  it('never sends to an opted-out, paused, unsubscribed or undeliverable recipient, nor once cancelled', () => {
    fc.assert(
      fc.property(anyRead, (r) => {
        const decision = decideCampaignSend(factsOf(r), {
          ...settings,
          smartSendingHours: r.smartSendingHours,
        });
        const p = r.profile;
        const barred =
          p.optedOutAt !== undefined ||
          p.marketing !== 'subscribed' ||
          truthy(p.properties.Paused) ||
          truthy(p.properties['Paused-BFCM2025']) ||
          p.deliveryError?.permanent === true ||
          r.campaign.state === 'cancelled';
        return !barred || decision.action !== 'send';
      }),
    );
  });

  it('holds only until a time after now, and sends a marketing text only inside its window', () => {
    fc.assert(
      fc.property(anyRead, (r) => {
        const phone = r.profile.phone;
        const decision = decideCampaignSend(factsOf(r), settings);
        if (decision.action === 'hold') return decision.until.getTime() > r.now.getTime();
        if (decision.action !== 'send' || decision.intent.messageClass !== 'marketing') return true;
        const window = quietHoursDecision({
          now: r.now,
          timeZone: recipientTimeZone(r.profile.timeZone, phone, settings.defaultTimeZone),
          window: sendWindowFor(phone, settings.quietHours),
        });
        return window.action === 'send';
      }),
    );
  });

  it('before the slot, neither reads nor sends, and requeues only when out of time', () => {
    fc.assert(
      fc.property(
        anyCampaign,
        fc.constantFrom(...phones),
        fc.option(fc.constantFrom(...zones), { nil: undefined }),
        time,
        fc.option(fc.integer({ min: 0, max: 900_000 }), { nil: undefined }),
        (current, phone, zone, now, msLeft) => {
          const decision = decideCampaignSend(
            {
              stage: 'queued',
              campaign: current,
              recipient: { phone, ...(zone ? { zone } : {}) },
              now,
              msLeft,
            },
            settings,
          );
          if (decision.action === 'requeue') return msLeft !== undefined && msLeft < STOP_BEFORE_TIMEOUT_MS;
          if (decision.action === 'hold') return zone !== undefined && current.messageType === 'PROMOTIONAL';
          return ['take_slot', 'skip'].includes(decision.action);
        },
      ),
    );
  });
});
