import { describe, expect, it } from 'vitest';
import { parseVerification } from '../../../lambdas/domain/stores/verification-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const item = {
  key: 'otp#+12065550100',
  phone: '+12065550100',
  codeHash: 'ab'.repeat(32),
  salt: 'cd'.repeat(16),
  createdAt: '2026-06-01T15:00:00.000Z',
  attempts: 1,
  expiresAtIso: '2026-06-01T15:10:00.000Z',
  expiresAt: 1_780_300_000,
};

describe('verification records read from the table', () => {
  it('gives the code its expiry as the ISO time, not the TTL attribute', () => {
    expect(parseVerification(item)).toEqual({
      phone: '+12065550100',
      codeHash: item.codeHash,
      salt: item.salt,
      createdAt: item.createdAt,
      attempts: 1,
      expiresAt: '2026-06-01T15:10:00.000Z',
    });
  });

  it('refuses a record without its ISO expiry, naming the key', () => {
    expect(() => parseVerification({ ...item, expiresAtIso: undefined })).toThrow(CorruptRecordError);
    expect(() => parseVerification({ ...item, expiresAtIso: undefined })).toThrow(
      'verification otp#+12065550100',
    );
    expect(() => parseVerification({ ...item, attempts: '1' })).toThrow('attempts:');
  });
});
