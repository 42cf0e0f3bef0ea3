import { describe, expect, it } from 'vitest';
import { newProfile, type Profile } from '../../../lambdas/domain/profile';
import { parseProfile } from '../../../lambdas/domain/stores/profile-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const AT = '2026-04-14T19:00:00.000Z';
const subscribed: Profile = {
  ...newProfile('+12065550100', AT),
  marketing: 'subscribed',
  marketingConfirmedBy: 'double_opt_in',
  properties: { first_name: 'Ada', Paused: false, orders: 3 },
  stateCapSends: [{ messageId: 'm-1', at: AT }],
  lastClick: { at: AT, messageId: 'm-1', campaignId: 'c-1' },
  deliveryError: { at: AT, permanent: false, reason: 'TEXT_CARRIER_UNREACHABLE' },
  conversationOpen: 'open',
};

describe('profile records read from the table', () => {
  it('reads a stored profile as it was written', () => {
    expect(parseProfile(JSON.parse(JSON.stringify(subscribed)))).toEqual(subscribed);
  });

  it('keeps attributes the schema does not name (a field a newer version added)', () => {
    expect(parseProfile({ ...subscribed, addedLater: { a: 1 } })).toMatchObject({ addedLater: { a: 1 } });
    const nested = { ...subscribed, lastClick: { at: AT, messageId: 'm-1', linkCode: 'Ab3dE9x' } };
    expect(parseProfile(nested).lastClick).toEqual(nested.lastClick);
  });

  it.each([
    ['marketing', { ...subscribed, marketing: 'yes' }],
    ['consentVersion', { ...subscribed, consentVersion: '3' }],
    ['properties.tags', { ...subscribed, properties: { tags: ['a', 'b'] } }],
    ['deliveryError.permanent', { ...subscribed, deliveryError: { at: AT, reason: 'x' } }],
    ['createdAt', { ...subscribed, createdAt: undefined }],
  ])('refuses a record whose %s is wrong, naming the number and the field', (field, item) => {
    let error: unknown;
    try {
      parseProfile(item);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as Error).message).toContain('profile +12065550100');
    expect((error as Error).message).toContain(`${field}:`);
  });
});
