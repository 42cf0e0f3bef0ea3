import { describe, expect, it } from 'vitest';
import { missingDisclosureElements } from '../../lambdas/domain/disclosure';
import { numberPrefix, rateLimitBuckets } from '../../lambdas/domain/rate-limits';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import {
  decideSubscription,
  requiresDoubleOptIn,
  type SubscriptionRequest,
} from '../../lambdas/domain/subscription-engine';
import { checkCode, type Verification } from '../../lambdas/domain/verification';
import type { ConsentState } from '../../lambdas/domain/consent';
import { COMPLIANT_DISCLOSURE } from '../support/fixtures';

const program = RuntimeConfigSchema.parse({
  brand: 'Acme Coffee',
  messageFrequency: 'Up to 6 msgs/mo',
  termsUrl: 'https://acme-coffee.example/sms-terms',
  privacyUrl: 'https://acme-coffee.example/privacy',
});
const NOW = new Date('2026-07-01T16:00:00Z');

describe('disclosure check', () => {
  it('accepts a complete disclosure', () => {
    expect(missingDisclosureElements(COMPLIANT_DISCLOSURE, program)).toEqual([]);
  });

  it('accepts a generic frequency and link words instead of the configured texts', () => {
    const text =
      'Acme Coffee texts: 4 msgs per week. Msg and data rates may apply. Text HELP for help, STOP to end. See terms at https://acme.example/t and privacy at https://acme.example/p';
    expect(missingDisclosureElements(text, program)).toEqual([]);
  });

  it('names everything an empty-ish disclosure lacks', () => {
    expect(missingDisclosureElements('Sign up for texts!', program)).toEqual([
      'brand',
      'message frequency',
      'Msg & data rates may apply',
      'HELP instructions',
      'STOP instructions',
      'terms link',
      'privacy link',
    ]);
  });

  it('does not take "recurring" or lower-case "stop by" for the required elements', () => {
    const text = COMPLIANT_DISCLOSURE.replace('Up to 6 msgs/mo.', '').replace(
      'STOP to cancel',
      'stop by our store',
    );
    expect(missingDisclosureElements(text, program)).toEqual(['message frequency', 'STOP instructions']);
  });
});

describe('rate-limit buckets', () => {
  it('keys per IP, number, prefix and everyone, by the hour', () => {
    const buckets = rateLimitBuckets(
      { phone: '+12065550100', ip: '203.0.113.9', now: NOW },
      program.rateLimits,
    );
    expect(buckets.map((b) => b.key)).toEqual([
      'rl#ip#203.0.113.9#2026-07-01T16',
      'rl#phone#+12065550100#2026-07-01T16',
      'rl#prefix#+1206555#2026-07-01T16',
      'rl#global#2026-07-01T16',
    ]);
    expect(buckets.every((b) => b.expiresAt.toISOString() === '2026-07-01T18:00:00.000Z')).toBe(true);
  });

  it('takes the number block as everything but the last four digits', () => {
    expect(numberPrefix('+447700900123')).toBe('+44770090');
  });
});

describe('one-time code check', () => {
  const verification: Verification = {
    phone: '+12065550100',
    codeHash: 'h',
    salt: 's',
    createdAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 600_000).toISOString(),
    attempts: 1,
  };
  it.each([
    [undefined, true, true, NOW, 'not_found'],
    [verification, true, true, new Date(NOW.getTime() + 600_000), 'expired'],
    [verification, false, true, NOW, 'too_many_attempts'],
    [verification, true, true, NOW, 'ok'],
    [verification, true, false, NOW, 'incorrect'],
  ] as const)('%#: decides %s', (v, counted, matches, now, result) => {
    expect(checkCode(v, { counted, matches }, now).result).toBe(result);
  });

  it('says how many attempts are left', () => {
    expect(checkCode({ ...verification, attempts: 3 }, { counted: true, matches: false }, NOW)).toEqual({
      result: 'incorrect',
      attemptsLeft: 2,
    });
  });
});

describe('API subscription decisions', () => {
  const never: ConsentState = {
    marketing: 'never_subscribed',
    transactional: 'never_subscribed',
    properties: {},
  };
  const request = (overrides: Partial<SubscriptionRequest> = {}): SubscriptionRequest => ({
    phone: '+12065550100',
    source: 'footer-form',
    classes: ['marketing'],
    method: 'form',
    possessionProven: false,
    requireDoubleOptIn: true,
    replyKey: 'reply#1',
    now: NOW,
    ...overrides,
  });

  it('asks for confirmation and keeps the source', () => {
    const decision = decideSubscription(never, request(), program);
    expect(decision).toMatchObject({
      kind: 'consent',
      action: 'opt_in_requested',
      next: { marketing: 'pending', properties: { $source: 'footer-form' } },
    });
  });

  it('subscribes both classes on YES when both were asked for', () => {
    const decision = decideSubscription(never, request({ classes: ['marketing', 'transactional'] }), program);
    expect(decision.kind === 'consent' && decision.next.pendingClasses).toEqual([
      'marketing',
      'transactional',
    ]);
  });

  it('subscribes directly with a proven code', () => {
    expect(
      decideSubscription(never, request({ possessionProven: true, method: 'otp' }), program),
    ).toMatchObject({
      next: { marketing: 'subscribed', marketingConfirmedBy: 'otp' },
    });
  });

  it('leaves a subscribed number unchanged', () => {
    const subscribed: ConsentState = { ...never, marketing: 'subscribed' };
    expect(decideSubscription(subscribed, request(), program)).toEqual({
      kind: 'unchanged',
      reason: 'already_subscribed',
    });
  });

  it('refuses while the carrier opt-out list cannot be cleared', () => {
    const relisted: ConsentState = {
      ...never,
      optedOutAt: NOW.toISOString(),
      marketing: 'unsubscribed',
      optOutList: { listed: true, lastRemovedAt: '2026-06-25T00:00:00.000Z' },
    };
    expect(decideSubscription(relisted, request(), program)).toMatchObject({
      kind: 'refused',
      code: 'opt_out_list_locked',
    });
  });
});

describe('double opt-in requirement', () => {
  const single = { ...program, doubleOptIn: false };
  const withoutCarts = RuntimeConfigSchema.parse({
    brand: 'Acme Coffee',
    doubleOptIn: false,
    flows: { abandonedCart: { enabled: false } },
  });

  it('follows the config when abandoned-cart texts are off', () => {
    expect(requiresDoubleOptIn(withoutCarts, '+12065550100')).toBe(false);
    expect(requiresDoubleOptIn(program, '+12065550100')).toBe(true);
  });

  it('is always required for US numbers while abandoned-cart texts are on', () => {
    expect(requiresDoubleOptIn(single, '+12065550100')).toBe(true);
    expect(requiresDoubleOptIn(single, '+14165550100')).toBe(false); // Toronto
  });

  it('follows the abandoned-cart definition switched off, and any flow texting confirmed subscriptions only', () => {
    const config = (definitions: unknown[]) =>
      RuntimeConfigSchema.parse({ brand: 'Acme Coffee', doubleOptIn: false, flows: { definitions } });
    const cartOff = { id: 'abandonedCart', enabled: false };
    expect(requiresDoubleOptIn(config([cartOff]), '+12065550100')).toBe(false);
    const ownCartText = {
      id: 'cartNudge',
      trigger: { event: 'CartAbandoned' },
      steps: [{ kind: 'send', body: 'Your cart: {{ event.cart_url }}', confirmedOptIn: true }],
    };
    expect(requiresDoubleOptIn(config([cartOff, ownCartText]), '+12065550100')).toBe(true);
  });
});
