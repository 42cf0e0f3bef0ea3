import { describe, expect, it } from 'vitest';
import type { Profile } from '../../lambdas/domain/profile';
import { decideSend, type PolicyContext } from '../../lambdas/domain/send-policy';

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
});
