import { describe, expect, it } from 'vitest';
import type { CurrentIdentity, NumberChange } from '../../../lambdas/domain/stores/number-change';
import { parseCurrentIdentity, parseNumberChange } from '../../../lambdas/domain/stores/number-change-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const change: NumberChange = {
  changeId: 'nc-1',
  oldIdentity: 'phone-old',
  oldPhoneNumber: '+12065550100',
  newIdentity: 'phone-new',
  newPhoneNumber: '+12065550199',
  switchAt: '2026-06-02T15:00:00.000Z',
  finalAt: '2026-06-01T15:00:00.000Z',
  finalCampaignId: 'c-final',
  firstCampaignId: 'c-first',
  state: 'switched',
  switchedAt: '2026-06-02T15:00:01.000Z',
  createdAt: '2026-05-30T15:00:00.000Z',
};
const current: CurrentIdentity = {
  identity: 'phone-new',
  phoneNumber: '+12065550199',
  since: '2026-06-02T15:00:01.000Z',
  byChange: 'nc-1',
};

describe('number-change records read from the table', () => {
  it('reads a change and the current identity as they were written', () => {
    expect(parseNumberChange(JSON.parse(JSON.stringify(change)))).toEqual(change);
    expect(parseCurrentIdentity({ changeId: '@current', ...current })).toMatchObject(current);
  });

  it('refuses a change in an unknown state, and a current identity without its number', () => {
    expect(() => parseNumberChange({ ...change, state: 'cancelled' })).toThrow(CorruptRecordError);
    expect(() => parseNumberChange({ ...change, state: 'cancelled' })).toThrow('number change nc-1');
    expect(() => parseCurrentIdentity({ changeId: '@current', ...current, phoneNumber: 5 })).toThrow(
      'current identity @current',
    );
  });
});
