import { describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../../../lambdas/domain/stores/activity';
import { parseActivity } from '../../../lambdas/domain/stores/activity-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const cart: ActivityRecord = {
  phone: '+12065550100',
  activityKey: 'cart#c-1',
  type: 'CartAbandoned',
  at: '2026-06-01T15:00:00.000Z',
  detail: { cartId: 'c-1', total: 38.5, items: [{ name: 'Beans' }] },
  aggregated: true,
  expiresAt: 1_780_000_000,
};

describe('activity records read from the table', () => {
  it('reads a record as it was written, with attributes it does not name', () => {
    expect(parseActivity(JSON.parse(JSON.stringify(cart)))).toEqual(cart);
    expect(parseActivity({ ...cart, source: 'shopify' })).toMatchObject({ source: 'shopify' });
  });

  it('refuses a record without its flag or with a detail that is not an object', () => {
    expect(() => parseActivity({ ...cart, aggregated: undefined })).toThrow(CorruptRecordError);
    expect(() => parseActivity({ ...cart, detail: 'c-1' })).toThrow('activity +12065550100/cart#c-1');
    expect(() => parseActivity({ ...cart, detail: 'c-1' })).toThrow('detail:');
  });
});
