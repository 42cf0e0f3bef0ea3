import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../lambdas/domain/profile';
import {
  decideSend,
  MARKETING_CHECKS,
  SEND_STEPS,
  type PolicyContext,
} from '../../lambdas/domain/send-policy';

const subscriber: Profile = {
  phone: '+12125550100',
  marketing: 'subscribed',
  transactional: 'subscribed',
  marketingConfirmedBy: 'double_opt_in',
  properties: {},
  consentVersion: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
// 15:00 in New York (212).
const context = (overrides: Partial<PolicyContext> = {}): PolicyContext => ({
  now: new Date('2026-04-14T19:00:00Z'),
  phone: subscriber.phone,
  defaultTimeZone: 'America/Chicago',
  quietHours: { start: '08:00', end: '21:00' },
  smartSendingHours: 24,
  ...overrides,
});
const marketing = { messageClass: 'marketing' as const };

describe('send policy', () => {
  it('sends marketing to a subscriber in the daytime', () => {
    expect(decideSend(subscriber, marketing, context())).toEqual({ send: true });
  });

  it.each([
    ['no profile', undefined, 'no_marketing_consent'],
    ['pending', { ...subscriber, marketing: 'pending' as const }, 'no_marketing_consent'],
    ['opted out', { ...subscriber, optedOutAt: '2026-04-01T00:00:00Z' }, 'opted_out'],
  ])('refuses marketing when %s', (_case, profile, reason) => {
    expect(decideSend(profile, marketing, context())).toEqual({ send: false, reason });
  });

  it('honours the campaign pause property', () => {
    const paused = { ...subscriber, properties: { 'Paused-BFCM2025': true } };
    expect(decideSend(paused, { ...marketing, pausedProperties: ['Paused-BFCM2025'] }, context())).toEqual({
      send: false,
      reason: 'paused',
    });
    expect(decideSend(paused, { ...marketing, pausedProperties: ['Paused'] }, context())).toEqual({
      send: true,
    });
  });

  it('honours PAUSE and a timed pause whatever pause properties the caller names (flows name none)', () => {
    const keywordPause = { ...subscriber, properties: { Paused: true } };
    expect(decideSend(keywordPause, marketing, context())).toEqual({ send: false, reason: 'paused' });
    const timedPause = { ...subscriber, properties: { $pausedUntil: '2026-05-01T00:00:00Z' } };
    expect(decideSend(timedPause, marketing, context())).toEqual({ send: false, reason: 'paused' });
    const resumed = { ...subscriber, properties: { Paused: false, $pausedUntil: '2026-04-01T00:00:00Z' } };
    expect(decideSend(resumed, marketing, context())).toEqual({ send: true });
  });

  it('defers marketing at night to 08:00 in the recipient’s zone (from the area code)', () => {
    const night = context({ now: new Date('2026-04-15T03:30:00Z') }); // 23:30 in New York
    expect(decideSend(subscriber, marketing, night)).toEqual({
      send: false,
      reason: 'quiet_hours',
      deferUntil: new Date('2026-04-15T12:00:00Z'),
    });
  });

  it('prefers the profile’s time zone over the number’s', () => {
    const inTokyo = { ...subscriber, timeZone: 'Asia/Tokyo' };
    // 04:00 in Tokyo.
    const decision = decideSend(inTokyo, marketing, context());
    expect(decision).toMatchObject({ send: false, reason: 'quiet_hours' });
  });

  it('skips instead of deferring past the deadline', () => {
    const night = context({ now: new Date('2026-04-15T03:30:00Z') });
    expect(
      decideSend(subscriber, { ...marketing, deadline: new Date('2026-04-15T06:00:00Z') }, night),
    ).toEqual({ send: false, reason: 'quiet_hours_deadline' });
  });

  it('applies the stricter Florida window (20:00)', () => {
    const florida = { ...subscriber, phone: '+13055550100' };
    const evening = context({ phone: florida.phone, now: new Date('2026-04-15T00:30:00Z') }); // 20:30 in Miami
    expect(decideSend(florida, marketing, evening)).toMatchObject({ send: false, reason: 'quiet_hours' });
    expect(decideSend(subscriber, marketing, { ...evening, phone: subscriber.phone })).toEqual({
      send: true,
    });
  });

  it('lets a step bypass quiet hours and smart sending', () => {
    const texted = { ...subscriber, lastSmsAt: '2026-04-15T03:00:00Z' };
    const night = context({ now: new Date('2026-04-15T03:30:00Z') });
    expect(decideSend(texted, { ...marketing, quietHours: false, smartSending: false }, night)).toEqual({
      send: true,
    });
  });

  it('skips marketing within the smart-sending window, and not after it', () => {
    const texted = { ...subscriber, lastSmsAt: '2026-04-14T10:00:00Z' };
    expect(decideSend(texted, marketing, context())).toEqual({ send: false, reason: 'smart_sending' });
    expect(decideSend(texted, marketing, context({ now: new Date('2026-04-15T12:00:01Z') }))).toEqual({
      send: true,
    });
    expect(decideSend(texted, marketing, context({ smartSendingHours: 0 }))).toEqual({ send: true });
  });

  it('never applies quiet hours or smart sending to transactional texts', () => {
    const texted = { ...subscriber, lastSmsAt: '2026-04-15T03:00:00Z' };
    expect(
      decideSend(
        texted,
        { messageClass: 'transactional' },
        context({ now: new Date('2026-04-15T03:30:00Z') }),
      ),
    ).toEqual({ send: true });
  });

  it('holds a transactional text for quiet hours only when its sender asks, skipping it past its deadline', () => {
    const night = context({ now: new Date('2026-04-15T03:30:00Z') }); // 23:30 in New York
    const held = decideSend(subscriber, { messageClass: 'transactional', quietHours: true }, night);
    expect(held).toEqual({
      send: false,
      deferUntil: new Date('2026-04-15T12:00:00Z'),
      reason: 'quiet_hours',
    });
    expect(
      decideSend(
        subscriber,
        { messageClass: 'transactional', quietHours: true, deadline: new Date('2026-04-15T06:00:00Z') },
        night,
      ),
    ).toEqual({ send: false, reason: 'quiet_hours_deadline' });
    expect(decideSend(subscriber, { messageClass: 'transactional', quietHours: false }, night)).toEqual({
      send: true,
    });
  });

  it('sends an order update on that order’s consent to a number with no other consent, never after an opt-out', () => {
    const customer: Profile = {
      ...subscriber,
      marketing: 'never_subscribed',
      transactional: 'never_subscribed',
    };
    const update = { messageClass: 'transactional' as const, orderConsent: true };
    expect(decideSend(customer, { messageClass: 'transactional' }, context())).toEqual({
      send: false,
      reason: 'no_transactional_consent',
    });
    expect(decideSend(customer, update, context())).toEqual({ send: true });
    expect(decideSend(undefined, update, context())).toEqual({ send: true });
    expect(decideSend({ ...customer, optedOutAt: '2026-04-01T00:00:00Z' }, update, context())).toEqual({
      send: false,
      reason: 'opted_out',
    });
    expect(
      decideSend(
        { ...customer, deliveryError: { at: '2026-04-01T00:00:00Z', permanent: true, reason: 'x' } },
        update,
        context(),
      ),
    ).toEqual({ send: false, reason: 'undeliverable' });
  });

  it('answers a conversational reply only with the inbound it answers, and never after an opt-out', () => {
    expect(decideSend(subscriber, { messageClass: 'conversational' }, context())).toEqual({
      send: false,
      reason: 'not_a_reply',
    });
    expect(
      decideSend(
        { ...subscriber, optedOutAt: 'x' },
        { messageClass: 'conversational', inReplyTo: 'in-1' },
        context(),
      ),
    ).toEqual({ send: false, reason: 'opted_out' });
  });

  describe('conversations', () => {
    const settings = { autoCloseHours: 48, replyWindowHours: 24, pauseAutomations: true };
    const talking: Profile = {
      ...subscriber,
      conversationOpen: 'open',
      conversationOpenedAt: '2026-04-14T18:00:00Z',
      conversationLastMessageAt: '2026-04-14T18:30:00Z',
      conversationLastInboundAt: '2026-04-14T18:30:00Z',
      conversationLastInboundId: 'in-1',
    };

    it('skips marketing while the conversation is open, after pause and before quiet hours', () => {
      expect(decideSend(talking, marketing, context({ conversations: settings }))).toEqual({
        send: false,
        reason: 'conversation_open',
      });
      // At night the open conversation is the reason, not a deferral.
      expect(
        decideSend(
          talking,
          marketing,
          context({ conversations: settings, now: new Date('2026-04-15T03:00:00Z') }),
        ),
      ).toEqual({ send: false, reason: 'conversation_open' });
      const paused = { ...talking, properties: { Paused: true } };
      expect(
        decideSend(
          paused,
          { ...marketing, pausedProperties: ['Paused'] },
          context({ conversations: settings }),
        ),
      ).toEqual({ send: false, reason: 'paused' });
    });

    it('sends marketing when automations are not paused or the conversation went quiet', () => {
      expect(
        decideSend(talking, marketing, context({ conversations: { ...settings, pauseAutomations: false } })),
      ).toEqual({ send: true });
      expect(
        decideSend(
          talking,
          marketing,
          context({ conversations: settings, now: new Date('2026-04-16T19:00:00Z') }),
        ),
      ).toEqual({ send: true });
    });

    it('never holds transactional texts for a conversation', () => {
      expect(
        decideSend(talking, { messageClass: 'transactional' }, context({ conversations: settings })),
      ).toEqual({ send: true });
    });

    const replyTo = { messageClass: 'conversational' as const, inReplyTo: 'in-1', conversationReply: true };
    it('answers a keyword at once, at night and outside the reply window: it answers the text just received', () => {
      const night = new Date('2026-04-16T02:00:00Z'); // 22:00 in New York, 31.5 h after the last text
      const keywordAnswer = { messageClass: 'conversational' as const, inReplyTo: 'in-2' };
      expect(decideSend(talking, keywordAnswer, context({ conversations: settings, now: night }))).toEqual({
        send: true,
      });
    });

    it('sends a reply at night within the reply window where no state law applies', () => {
      const night = new Date('2026-04-15T02:00:00Z'); // 22:00 in New York
      const recent = { ...talking, conversationLastInboundAt: '2026-04-15T01:30:00Z' };
      expect(decideSend(recent, replyTo, context({ conversations: settings, now: night }))).toEqual({
        send: true,
      });
    });

    it('defers a reply at night outside the reply window to 08:00', () => {
      const night = new Date('2026-04-16T02:00:00Z'); // 22:00 in New York, 31.5 h after the last text
      expect(decideSend(talking, replyTo, context({ conversations: settings, now: night }))).toEqual({
        send: false,
        deferUntil: new Date('2026-04-16T12:00:00Z'),
        reason: 'quiet_hours',
      });
    });

    it('defers a reply within the window when the state law forbids the hour (Florida after 20:00)', () => {
      const miami = { ...talking, phone: '+13055550100', conversationLastInboundAt: '2026-04-15T00:45:00Z' };
      const evening = new Date('2026-04-15T00:50:00Z'); // 20:50 in Miami
      expect(
        decideSend(miami, replyTo, context({ conversations: settings, now: evening, phone: miami.phone })),
      ).toEqual({ send: false, deferUntil: new Date('2026-04-15T12:00:00Z'), reason: 'quiet_hours' });
    });

    it('refuses a reply after an opt-out', () => {
      const stopped = { ...talking, optedOutAt: '2026-04-14T18:40:00Z' };
      expect(decideSend(stopped, replyTo, context({ conversations: settings }))).toEqual({
        send: false,
        reason: 'opted_out',
      });
    });
  });
});

describe('send policy: the order of the checks', () => {
  // A Florida number (cap 3 in 24 h) failing every check from the step under test on: the step's reason
  // must be the one recorded, so each step is shown to run before all the later ones.
  const florida = '+13055550100';
  const noon = new Date('2026-04-14T16:00:00Z'); // 12:00 in Miami
  const night = new Date('2026-04-15T03:00:00Z'); // 23:00 in Miami
  const full = ['a', 'b', 'c'].map((id, i) => ({
    messageId: id,
    at: new Date(noon.getTime() - (3 - i) * 3_600_000).toISOString(),
  }));
  const failing = {
    ...subscriber,
    phone: florida,
    properties: { Paused: true },
    stateCapSends: full,
    stateCapVersion: 3,
    lastSmsAt: new Date(noon.getTime() - 3_600_000).toISOString(),
  };
  const intent = { ...marketing, pausedProperties: ['Paused'], messageId: 'next' };
  const at = (now: Date) => context({ phone: florida, now });

  it('lists the checks in the documented order', () => {
    const steps = MARKETING_CHECKS.map((c) => c.step);
    expect(steps).toEqual(SEND_STEPS.filter((step) => steps.includes(step)));
  });

  it('1. consent: an opt-out wins over every later step', () => {
    expect(decideSend({ ...failing, optedOutAt: '2026-04-01T00:00:00Z' }, intent, at(night))).toEqual({
      send: false,
      reason: 'opted_out',
    });
  });

  it('2. pause: a paused subscriber is skipped `paused` before quiet hours are asked', () => {
    expect(decideSend(failing, intent, at(night))).toEqual({ send: false, reason: 'paused' });
  });

  it('4. send window: quiet hours defer before the state cap is counted', () => {
    expect(decideSend({ ...failing, properties: {} }, intent, at(night))).toMatchObject({
      send: false,
      reason: 'quiet_hours',
    });
  });

  it('5. state cap: a full window skips `state_frequency_cap` before smart sending', () => {
    expect(decideSend({ ...failing, properties: {} }, intent, at(noon))).toEqual({
      send: false,
      reason: 'state_frequency_cap',
    });
  });

  it('6. subscriber cap: a full week skips `subscriber_frequency_cap` after the state cap, before smart sending', () => {
    const capped = { ...failing, properties: { $maxMarketingPerWeek: 2 }, stateCapSends: full.slice(1) };
    expect(decideSend(capped, intent, at(noon))).toEqual({ send: false, reason: 'subscriber_frequency_cap' });
    expect(decideSend({ ...capped, stateCapSends: full }, intent, at(noon))).toEqual({
      send: false,
      reason: 'state_frequency_cap',
    });
  });

  it('7. smart sending: last, once every other step lets the text go', () => {
    const roomy = { ...failing, properties: {}, stateCapSends: full.slice(1) };
    expect(decideSend(roomy, intent, at(noon))).toEqual({ send: false, reason: 'smart_sending' });
    expect(decideSend(roomy, { ...intent, smartSending: false }, at(noon))).toEqual({
      send: true,
      stateCap: {
        expectedVersion: 3,
        entries: [...full.slice(1), { messageId: 'next', at: noon.toISOString() }],
      },
    });
  });
});

describe('send policy: state message caps', () => {
  const florida = { ...subscriber, phone: '+13055550100' };
  const now = new Date('2026-04-14T16:00:00Z'); // 12:00 in Miami
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
  const policy = context({ phone: florida.phone, now, smartSendingHours: 0 });
  const sent = (...hoursAgo: number[]) => hoursAgo.map((h, i) => ({ messageId: `m${i}`, at: at(h) }));

  it('counts the first marketing text to a Florida number, reserving its slot', () => {
    expect(decideSend(florida, { ...marketing, messageId: 'x' }, policy)).toEqual({
      send: true,
      stateCap: { expectedVersion: 0, entries: [{ messageId: 'x', at: now.toISOString() }] },
    });
  });

  it('waits, within its deadline, until the oldest of three texts is 24 hours old', () => {
    const profile = { ...florida, stateCapSends: sent(20, 5, 1), stateCapVersion: 3 };
    const deadline = new Date(now.getTime() + 48 * 3_600_000);
    expect(decideSend(profile, { ...marketing, messageId: 'x', deadline }, policy)).toEqual({
      send: false,
      reason: 'state_frequency_cap',
      deferUntil: new Date(now.getTime() + 4 * 3_600_000),
    });
  });

  it('skips `state_frequency_cap` when the slot frees after the deadline, or without one', () => {
    const profile = { ...florida, stateCapSends: sent(20, 5, 1), stateCapVersion: 3 };
    const deadline = new Date(now.getTime() + 3 * 3_600_000);
    for (const extra of [{ deadline }, {}])
      expect(decideSend(profile, { ...marketing, messageId: 'x', ...extra }, policy)).toEqual({
        send: false,
        reason: 'state_frequency_cap',
      });
  });

  it('forgets texts older than 24 hours', () => {
    const profile = { ...florida, stateCapSends: sent(30, 25, 2), stateCapVersion: 3 };
    expect(decideSend(profile, { ...marketing, messageId: 'x' }, policy)).toEqual({
      send: true,
      stateCap: {
        expectedVersion: 3,
        entries: [
          { messageId: 'm2', at: at(2) },
          { messageId: 'x', at: now.toISOString() },
        ],
      },
    });
  });

  it('lets a retry of a counted text through without counting it again', () => {
    const profile = { ...florida, stateCapSends: sent(20, 5, 1), stateCapVersion: 3 };
    expect(decideSend(profile, { ...marketing, messageId: 'm1' }, policy)).toEqual({ send: true });
  });

  it.each([
    ['Oklahoma', '+14055550100', 'America/Chicago'],
    ['Maryland', '+14105550100', 'America/New_York'],
  ])('caps %s numbers too', (_state, phone) => {
    const profile = { ...subscriber, phone, stateCapSends: sent(20, 5, 1), stateCapVersion: 3 };
    expect(decideSend(profile, { ...marketing, messageId: 'x' }, { ...policy, phone })).toEqual({
      send: false,
      reason: 'state_frequency_cap',
    });
  });

  it('leaves numbers of other states and other classes alone', () => {
    const profile = { ...subscriber, stateCapSends: sent(20, 5, 1), stateCapVersion: 3 };
    expect(decideSend(profile, { ...marketing, messageId: 'x' }, context({ smartSendingHours: 0 }))).toEqual({
      send: true,
    });
    const capped = { ...florida, stateCapSends: sent(20, 5, 1), stateCapVersion: 3 };
    expect(decideSend(capped, { messageClass: 'transactional' }, policy)).toEqual({ send: true });
  });
});

describe('send policy: a subscriber’s own weekly cap', () => {
  const now = new Date('2026-04-14T19:00:00Z'); // 15:00 in New York
  const days = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
  const policy = context({ now, smartSendingHours: 0 });
  const weekly = (count: number, ...daysAgo: number[]) => ({
    ...subscriber,
    properties: { $maxMarketingPerWeek: count },
    stateCapSends: daysAgo.map((d, i) => ({ messageId: `m${i}`, at: days(d) })),
    stateCapVersion: daysAgo.length,
  });

  it('counts each marketing text while there is room in the last 7 days', () => {
    expect(decideSend(weekly(2, 3), { ...marketing, messageId: 'x' }, policy)).toEqual({
      send: true,
      stateCap: {
        expectedVersion: 1,
        entries: [
          { messageId: 'm0', at: days(3) },
          { messageId: 'x', at: now.toISOString() },
        ],
      },
    });
  });

  it('skips `subscriber_frequency_cap` when the week is full, even with a deadline to wait for', () => {
    const deadline = new Date(now.getTime() + 10 * 86_400_000);
    for (const extra of [{}, { deadline }])
      expect(decideSend(weekly(2, 6, 1), { ...marketing, messageId: 'x', ...extra }, policy)).toEqual({
        send: false,
        reason: 'subscriber_frequency_cap',
      });
  });

  it('forgets texts older than 7 days', () => {
    expect(decideSend(weekly(1, 8), { ...marketing, messageId: 'x' }, policy)).toEqual({
      send: true,
      stateCap: { expectedVersion: 1, entries: [{ messageId: 'x', at: now.toISOString() }] },
    });
  });

  it('lets a retry of a counted text through without counting it again', () => {
    expect(decideSend(weekly(2, 6, 1), { ...marketing, messageId: 'm1' }, policy)).toEqual({ send: true });
  });

  it('keeps the week of texts on a number whose state caps a day, so both caps count from one list', () => {
    const florida = { ...weekly(5, 6, 2), phone: '+13055550100' };
    const miami = context({
      phone: florida.phone,
      now: new Date('2026-04-14T16:00:00Z'),
      smartSendingHours: 0,
    });
    const decision = decideSend(florida, { ...marketing, messageId: 'x' }, miami);
    expect(decision).toMatchObject({ send: true, stateCap: { expectedVersion: 2 } });
    expect(decision.send && decision.stateCap?.entries.map((e) => e.messageId)).toEqual(['m0', 'm1', 'x']);
  });

  it('counts nothing without a cap, and never a transactional text', () => {
    expect(decideSend(subscriber, { ...marketing, messageId: 'x' }, policy)).toEqual({ send: true });
    expect(decideSend(weekly(1, 1), { messageClass: 'transactional' }, policy)).toEqual({ send: true });
  });

  it('ignores a cap that is not a whole number of at least 1', () => {
    for (const value of [0, -1, 1.5, '2'])
      expect(
        decideSend(
          { ...weekly(1, 1), properties: { $maxMarketingPerWeek: value } },
          { ...marketing, messageId: 'x' },
          policy,
        ),
      ).toMatchObject({ send: true });
  });
});

describe('send policy: a topic turned off', () => {
  const coffee = { ...marketing, topic: 'preferences.coffee' };
  const withTopic = (value: unknown): Profile => ({
    ...subscriber,
    properties: { ...subscriber.properties, 'preferences.coffee': value as boolean },
  });

  it('skips a text about a topic the subscriber turned off', () => {
    expect(decideSend(withTopic(false), coffee, context())).toEqual({ send: false, reason: 'topic_off' });
  });

  it('sends when the topic is on or was never chosen, or the text names no topic', () => {
    expect(decideSend(withTopic(true), coffee, context())).toMatchObject({ send: true });
    expect(decideSend(subscriber, coffee, context())).toMatchObject({ send: true });
    expect(decideSend(withTopic(false), marketing, context())).toMatchObject({ send: true });
  });

  it('comes after the pause and before quiet hours', () => {
    const pausedToo = { ...withTopic(false), properties: { ...withTopic(false).properties, Paused: true } };
    expect(decideSend(pausedToo, coffee, context())).toEqual({ send: false, reason: 'paused' });
    const night = context({ now: new Date('2026-04-14T06:00:00.000Z') });
    expect(decideSend(withTopic(false), coffee, night)).toEqual({ send: false, reason: 'topic_off' });
  });
});

describe('send policy documentation', () => {
  it('lists the checks of a marketing text in the order they run', () => {
    const doc = readFileSync(resolve(__dirname, '../../docs/send-policy.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) +\| `([a-z_]+)`: .*\| (.+?) +\|$/gm)];
    expect(rows.map((row) => row[2])).toEqual(['consent', ...MARKETING_CHECKS.map((c) => c.step)]);
    expect(rows.map((row) => Number(row[1]))).toEqual(
      rows.map((row) => SEND_STEPS.indexOf(row[2] as (typeof SEND_STEPS)[number]) + 1),
    );
    for (const [index, check] of MARKETING_CHECKS.entries()) {
      const documented = [...(rows[index + 1]?.[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
      expect(documented, check.step).toEqual(check.reasons);
    }
  });
});
