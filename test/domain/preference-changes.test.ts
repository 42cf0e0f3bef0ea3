import { describe, expect, it } from 'vitest';
import { consentStateOf } from '../../lambdas/domain/consent';
import { linkCode, preferencesPrefix, shortenLinks } from '../../lambdas/domain/links';
import type { ConsentState } from '../../lambdas/domain/consent';
import { decidePreferenceChange, PREFERENCE_PAGE_SOURCE } from '../../lambdas/domain/preference-changes';
import { optInBlockedUntil } from '../../lambdas/domain/subscription-engine';
import {
  MAX_MARKETING_PER_WEEK_PROPERTY,
  newProfile,
  PAUSED_UNTIL_PROPERTY,
  type Profile,
} from '../../lambdas/domain/profile';
import { campaignEligibility } from '../../lambdas/domain/segments';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { decideSend, type PolicyContext } from '../../lambdas/domain/send-policy';

const now = new Date('2026-11-12T16:00:00.000Z');
const phone = '+12125550100';
const subscribed: Profile = {
  ...newProfile(phone, '2026-11-01T00:00:00.000Z'),
  marketing: 'subscribed',
  marketingSubscribedAt: '2026-11-01T00:00:00.000Z',
};
const program = RuntimeConfigSchema.parse({ brand: 'Acme Coffee', messageFrequency: 'Up to 6 msgs/mo' });
const ctx = { phone, now, program, replyKey: 'reply#page-1' };
const context = (at: Date): PolicyContext => ({
  now: at,
  phone,
  defaultTimeZone: 'America/New_York',
  quietHours: { start: '08:00', end: '21:00' },
  smartSendingHours: 0,
});
const pausedFor = (profile: Profile, until: string): Profile => ({
  ...profile,
  properties: { ...profile.properties, [PAUSED_UNTIL_PROPERTY]: until },
});

describe('preference-page changes', () => {
  it('pauses a subscriber for the chosen days as a property event', () => {
    const change = decidePreferenceChange(consentStateOf(subscribed), { kind: 'pause', days: 30 }, ctx);
    expect(change).toMatchObject({
      kind: 'consent',
      action: 'property_changed',
      applied: true,
      propertyChange: { name: PAUSED_UNTIL_PROPERTY, value: '2026-12-12T16:00:00.000Z' },
      next: { marketing: 'subscribed', properties: { [PAUSED_UNTIL_PROPERTY]: '2026-12-12T16:00:00.000Z' } },
    });
  });

  it('refuses to pause a number that gets no marketing texts', () => {
    for (const profile of [
      newProfile(phone, now.toISOString()),
      { ...subscribed, marketing: 'unsubscribed' as const, optedOutAt: now.toISOString() },
    ]) {
      expect(decidePreferenceChange(consentStateOf(profile), { kind: 'pause', days: 7 }, ctx)).toEqual({
        kind: 'refused',
        reason: 'not_subscribed',
      });
    }
  });

  it('resumes by clearing both the timed pause and PAUSE’s property', () => {
    const paused = {
      ...pausedFor(subscribed, '2026-12-12T16:00:00.000Z'),
      properties: {
        [PAUSED_UNTIL_PROPERTY]: '2026-12-12T16:00:00.000Z',
        Paused: true,
        first_name: 'Ada',
      },
    };
    const change = decidePreferenceChange(consentStateOf(paused), { kind: 'resume' }, ctx);
    expect(change).toMatchObject({ kind: 'consent', next: { properties: { first_name: 'Ada' } } });
    expect(decidePreferenceChange(consentStateOf(subscribed), { kind: 'resume' }, ctx)).toEqual({
      kind: 'refused',
      reason: 'not_paused',
    });
  });
});

describe('fewer texts from the preference page', () => {
  it('sets the weekly cap as a property event, and clears it for every text again', () => {
    const capped = decidePreferenceChange(consentStateOf(subscribed), { kind: 'frequency', perWeek: 2 }, ctx);
    expect(capped).toMatchObject({
      kind: 'consent',
      action: 'property_changed',
      propertyChange: { name: MAX_MARKETING_PER_WEEK_PROPERTY, value: 2 },
      next: { properties: { [MAX_MARKETING_PER_WEEK_PROPERTY]: 2 } },
      effects: {
        events: [
          {
            type: 'ProfilePropertyChanged',
            detail: { name: MAX_MARKETING_PER_WEEK_PROPERTY, value: 2, source: 'preference_page' },
          },
        ],
      },
    });
    const withCap = {
      ...subscribed,
      properties: { [MAX_MARKETING_PER_WEEK_PROPERTY]: 2, first_name: 'Ada' },
    };
    expect(
      decidePreferenceChange(consentStateOf(withCap), { kind: 'frequency', perWeek: null }, ctx),
    ).toMatchObject({
      propertyChange: { name: MAX_MARKETING_PER_WEEK_PROPERTY, value: null },
      next: { properties: { first_name: 'Ada' } },
    });
  });

  it('refuses a cap for a number that gets no marketing texts', () => {
    expect(
      decidePreferenceChange(
        consentStateOf(newProfile(phone, now.toISOString())),
        { kind: 'frequency', perWeek: 1 },
        ctx,
      ),
    ).toEqual({ kind: 'refused', reason: 'not_subscribed' });
  });
});

describe('topics on the preference page', () => {
  it('writes the topics that changed as boolean properties, one event each', () => {
    const state = consentStateOf({ ...subscribed, properties: { 'preferences.tea': false } });
    const change = decidePreferenceChange(
      state,
      {
        kind: 'topics',
        choices: { 'preferences.coffee': false, 'preferences.tea': true, 'preferences.cocoa': true },
      },
      ctx,
    );
    expect(change).toMatchObject({
      kind: 'consent',
      action: 'property_changed',
      next: { properties: { 'preferences.coffee': false, 'preferences.tea': true } },
      effects: {
        events: [
          { type: 'ProfilePropertyChanged', detail: { name: 'preferences.coffee', value: false } },
          { type: 'ProfilePropertyChanged', detail: { name: 'preferences.tea', value: true } },
        ],
      },
    });
    expect(change.kind === 'consent' && change.next.properties).not.toHaveProperty('preferences.cocoa');
  });

  it('records nothing when no topic changed, and nothing for a number without marketing', () => {
    expect(
      decidePreferenceChange(
        consentStateOf(subscribed),
        { kind: 'topics', choices: { 'preferences.coffee': true } },
        ctx,
      ),
    ).toEqual({ kind: 'refused', reason: 'unchanged' });
    expect(
      decidePreferenceChange(
        consentStateOf(newProfile(phone, now.toISOString())),
        { kind: 'topics', choices: { 'preferences.coffee': false } },
        ctx,
      ),
    ).toEqual({ kind: 'refused', reason: 'not_subscribed' });
  });
});

describe('the topics config', () => {
  const parse = (topics: unknown) =>
    RuntimeConfigSchema.safeParse({ brand: 'Acme Coffee', preferences: { topics } });

  it('takes boolean properties under preferences. with a label, none by default', () => {
    expect(parse([{ property: 'preferences.coffee', label: 'Coffee' }]).success).toBe(true);
    expect(RuntimeConfigSchema.parse({ brand: 'Acme Coffee' }).preferences.topics).toEqual([]);
  });

  it('refuses another property name, a missing label or a repeated property', () => {
    for (const topics of [
      [{ property: 'coffee', label: 'Coffee' }],
      [{ property: 'preferences.coffee' }],
      [
        { property: 'preferences.coffee', label: 'Coffee' },
        { property: 'preferences.coffee', label: 'More coffee' },
      ],
    ])
      expect(parse(topics).success, JSON.stringify(topics)).toBe(false);
  });
});

describe('unsubscribing from the preference page', () => {
  const both: Profile = { ...subscribed, transactional: 'subscribed', marketingConfirmedBy: 'double_opt_in' };

  it('ends marketing and keeps transactional texts, without an opt-out or the opt-out list', () => {
    const change = decidePreferenceChange(
      consentStateOf(both),
      { kind: 'unsubscribe', transactional: false },
      ctx,
    );
    expect(change).toMatchObject({
      kind: 'consent',
      action: 'unsubscribed',
      classes: ['marketing'],
      next: { marketing: 'unsubscribed', transactional: 'subscribed' },
      effects: {
        replies: [],
        events: [{ type: 'Unsubscribed', detail: { classes: ['marketing'], source: 'preference_page' } }],
      },
    });
    if (change.kind !== 'consent') throw new Error('expected a consent change');
    expect(change.next.optedOutAt).toBeUndefined();
    expect(change.next.marketingConfirmedBy).toBeUndefined();
    expect(change.effects.optOutList).toBeUndefined();
  });

  it('ends transactional texts too when the person unticks them, and a pending opt-in', () => {
    expect(
      decidePreferenceChange(consentStateOf(both), { kind: 'unsubscribe', transactional: true }, ctx),
    ).toMatchObject({
      classes: ['marketing', 'transactional'],
      next: { marketing: 'unsubscribed', transactional: 'unsubscribed' },
    });
    const pending: Profile = { ...subscribed, marketing: 'pending', pendingClasses: ['marketing'] };
    const change = decidePreferenceChange(
      consentStateOf(pending),
      { kind: 'unsubscribe', transactional: false },
      ctx,
    );
    expect(change).toMatchObject({ next: { marketing: 'unsubscribed' } });
    expect(change.kind === 'consent' && change.next.pendingClasses).toBeUndefined();
  });

  it('refuses when there is nothing to end', () => {
    for (const profile of [
      newProfile(phone, now.toISOString()),
      {
        ...both,
        marketing: 'unsubscribed' as const,
        transactional: 'unsubscribed' as const,
        optedOutAt: now.toISOString(),
      },
    ])
      expect(
        decidePreferenceChange(consentStateOf(profile), { kind: 'unsubscribe', transactional: true }, ctx),
      ).toEqual({ kind: 'refused', reason: 'not_subscribed' });
  });
});

describe('a timed pause in the send policy', () => {
  const paused = pausedFor(subscribed, '2026-12-12T16:00:00.000Z');

  it('skips marketing texts as paused until the pause ends, then sends', () => {
    expect(decideSend(paused, { messageClass: 'marketing' }, context(now))).toEqual({
      send: false,
      reason: 'paused',
    });
    expect(
      decideSend(paused, { messageClass: 'marketing' }, context(new Date('2026-12-12T16:00:00.000Z'))),
    ).toEqual({
      send: true,
    });
  });

  it('keeps transactional texts going and an opt-out first', () => {
    const both = { ...paused, transactional: 'subscribed' as const };
    expect(decideSend(both, { messageClass: 'transactional' }, context(now))).toEqual({ send: true });
    const optedOut = { ...paused, optedOutAt: now.toISOString() };
    expect(decideSend(optedOut, { messageClass: 'marketing' }, context(now))).toEqual({
      send: false,
      reason: 'opted_out',
    });
  });

  it('keeps the number out of campaigns until then', () => {
    const audience = { segment: { all: [] }, defaultTimeZone: 'America/New_York' };
    expect(campaignEligibility(paused, audience, now)).toEqual({ eligible: false, reason: 'paused' });
    expect(campaignEligibility(paused, audience, new Date('2026-12-13T00:00:00.000Z'))).toEqual({
      eligible: true,
    });
  });
});

describe('subscribing again from the page', () => {
  const unsubscribed: ConsentState = {
    marketing: 'unsubscribed',
    transactional: 'never_subscribed',
    properties: {},
  };
  const optedOut = (lastRemovedAt?: string): ConsentState => ({
    marketing: 'unsubscribed',
    transactional: 'unsubscribed',
    properties: {},
    optedOutAt: '2026-11-01T00:00:00.000Z',
    optOutList: { listed: true, ...(lastRemovedAt ? { lastRemovedAt } : {}) },
  });

  it('starts a double opt-in with the page as method and source, texting the request to reply Y', () => {
    const change = decidePreferenceChange(unsubscribed, { kind: 'resubscribe' }, ctx);
    expect(change).toMatchObject({
      kind: 'consent',
      action: 'opt_in_requested',
      classes: ['marketing'],
      next: { marketing: 'pending', properties: { $source: PREFERENCE_PAGE_SOURCE } },
      effects: {
        replies: [{ key: 'reply#page-1', body: expect.stringContaining('Reply Y to confirm') }],
        events: [{ type: 'SubscriptionRequested', detail: { method: 'preference_page' } }],
      },
    });
  });

  it('never subscribes at once, even where the config asks no double opt-in', () => {
    const single = { ...ctx, program: { ...program, doubleOptIn: false } };
    expect(decidePreferenceChange(unsubscribed, { kind: 'resubscribe' }, single)).toMatchObject({
      next: { marketing: 'pending' },
    });
  });

  it('takes an opted-out number off the opt-out list for the request, counting the removal', () => {
    const change = decidePreferenceChange(optedOut(), { kind: 'resubscribe' }, ctx);
    expect(change).toMatchObject({
      action: 'opt_in_requested',
      next: { marketing: 'pending', optOutList: { listed: false, lastRemovedAt: now.toISOString() } },
      effects: { optOutList: 'delete' },
    });
    expect(change.kind === 'consent' && change.next.optedOutAt).toBeUndefined();
  });

  it('waits out the opt-out list’s 30 days from the last removal, and then proceeds', () => {
    const removed = '2026-10-20T16:00:00.000Z';
    expect(decidePreferenceChange(optedOut(removed), { kind: 'resubscribe' }, ctx)).toEqual({
      kind: 'refused',
      reason: 'opt_out_list_locked',
    });
    expect(optInBlockedUntil(optedOut(removed), now)?.toISOString()).toBe('2026-11-19T16:00:00.000Z');
    const later = { ...ctx, now: new Date('2026-11-19T16:00:00.000Z') };
    expect(decidePreferenceChange(optedOut(removed), { kind: 'resubscribe' }, later)).toMatchObject({
      action: 'opt_in_requested',
    });
  });

  it('refuses a number that gets marketing texts or whose YES is awaited', () => {
    for (const marketing of ['subscribed', 'pending'] as const)
      expect(decidePreferenceChange({ ...unsubscribed, marketing }, { kind: 'resubscribe' }, ctx)).toEqual({
        kind: 'refused',
        reason: 'already_subscribed',
      });
  });
});

describe('preference links in campaign texts', () => {
  it('are never put behind a short link', () => {
    const base = 'https://links.acme.example';
    const { body, links } = shortenLinks(
      `Beans: https://acme.example/spring Manage: ${base}/p/xUq0cM3v9kLQm1b2TzA7wA`,
      base,
      (index) => linkCode('salt', phone, index),
      preferencesPrefix(base),
    );
    expect(links.map((l) => l.url)).toEqual(['https://acme.example/spring']);
    expect(body).toContain(`${base}/p/xUq0cM3v9kLQm1b2TzA7wA`);
  });
});
