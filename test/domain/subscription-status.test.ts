import { describe, expect, it } from 'vitest';
import type { Profile } from '../../lambdas/domain/profile';
import { subscriptionStatus } from '../../lambdas/domain/subscription-status';

const base: Profile = {
  phone: '+12065550100',
  marketing: 'subscribed',
  transactional: 'never_subscribed',
  properties: {},
  consentVersion: 2,
  createdAt: '2026-09-01T00:00:00Z',
  updatedAt: '2026-09-01T00:00:00Z',
};

describe('subscriptionStatus', () => {
  it.each([
    ['no profile', undefined, 'not_subscribed'],
    ['a number that only texted', { ...base, marketing: 'never_subscribed' }, 'not_subscribed'],
    ['JOIN without YES', { ...base, marketing: 'pending' }, 'pending'],
    ['YES', base, 'subscribed'],
    ['PAUSE', { ...base, properties: { Paused: true } }, 'paused'],
    ['RESUME', { ...base, properties: { Paused: false } }, 'subscribed'],
    ['a campaign-only pause', { ...base, properties: { 'Paused-BFCM2025': true } }, 'subscribed'],
    ['STOP', { ...base, marketing: 'unsubscribed', optedOutAt: '2026-09-02T00:00:00Z' }, 'opted_out'],
    [
      'STOP while paused',
      { ...base, properties: { Paused: true }, optedOutAt: '2026-09-02T00:00:00Z' },
      'opted_out',
    ],
    ['an unsubscribed number', { ...base, marketing: 'unsubscribed' }, 'not_subscribed'],
  ] as const)('%s: %s', (_, profile, status) => {
    expect(subscriptionStatus(profile as Profile | undefined)).toBe(status);
  });
});
