import { describe, expect, it } from 'vitest';
import type { SuppressionRecord } from '../../../lambdas/domain/privacy';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';
import { parseSuppression } from '../../../lambdas/domain/stores/suppression-record';

const suppression: SuppressionRecord = {
  phoneHash: 'ef'.repeat(32),
  erasedAt: '2026-06-01T15:00:00.000Z',
  marketing: 'unsubscribed',
  transactional: 'never_subscribed',
  optedOutAt: '2026-05-01T15:00:00.000Z',
  optOutList: { listed: true, listedAt: '2026-05-01T15:00:00.000Z' },
  consentSeq: 7,
  consentHead: '12'.repeat(32),
};

describe('suppression records read from the table', () => {
  it('reads a record as it was written', () => {
    expect(parseSuppression(JSON.parse(JSON.stringify(suppression)))).toEqual(suppression);
  });

  it('refuses a record with an unknown consent state, naming the hash and the field', () => {
    expect(() => parseSuppression({ ...suppression, marketing: 'maybe' })).toThrow(CorruptRecordError);
    expect(() => parseSuppression({ ...suppression, marketing: 'maybe' })).toThrow(
      `suppression ${suppression.phoneHash}`,
    );
    expect(() => parseSuppression({ ...suppression, consentSeq: undefined })).toThrow('consentSeq:');
  });
});
