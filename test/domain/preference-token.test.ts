import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formProof,
  isFormProof,
  issuePreferenceToken,
  preferenceKeyId,
  preferenceLinkExpiry,
  PREFERENCE_TOKEN_LENGTH,
  readPreferenceToken,
  type PreferenceKey,
} from '../../lambdas/domain/preference-token';

const now = new Date('2026-11-27T10:00:00.000Z');
const current: PreferenceKey = { id: preferenceKeyId('version-2'), secret: 'current secret value' };
const previous: PreferenceKey = { id: preferenceKeyId('version-1'), secret: 'previous secret value' };
const expiresAt = preferenceLinkExpiry(now, 30);

describe('preference tokens', () => {
  it('reads back the number and expiry of a token it issued', () => {
    const token = issuePreferenceToken(current, { phone: '+12065550100', expiresAt });
    expect(token).toHaveLength(PREFERENCE_TOKEN_LENGTH);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readPreferenceToken(token, [current], now)).toEqual({ phone: '+12065550100', expiresAt });
  });

  it('round-trips every E.164 number, from the shortest to 15 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{1,14}$/), (digits) => {
        const token = issuePreferenceToken(current, { phone: `+${digits}`, expiresAt });
        expect(readPreferenceToken(token, [current], now)?.phone).toBe(`+${digits}`);
      }),
    );
  });

  it('shows no digits of the number', () => {
    const token = issuePreferenceToken(current, { phone: '+12065550100', expiresAt });
    expect(token).not.toMatch(/2065550100|5550100/);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('2065550100');
  });

  it('gives two numbers with the same expiry unrelated tokens', () => {
    const a = Buffer.from(issuePreferenceToken(current, { phone: '+12065550100', expiresAt }), 'base64url');
    const b = Buffer.from(issuePreferenceToken(current, { phone: '+12065550101', expiresAt }), 'base64url');
    // The sealed number differs in more than the last digit's bits: each token has its own keystream.
    const differingBytes = a.subarray(3, 10).filter((byte, i) => byte !== b[3 + i]).length;
    expect(differingBytes).toBeGreaterThan(2);
  });

  it('refuses a token with any character changed', () => {
    const token = issuePreferenceToken(current, { phone: '+12065550100', expiresAt });
    for (let i = 0; i < token.length; i++) {
      for (const replacement of ['A', 'z', '-']) {
        if (token[i] === replacement) continue;
        const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect(readPreferenceToken(tampered, [current], now), `position ${i}`).toBeUndefined();
      }
    }
  });

  it('refuses malformed tokens', () => {
    for (const token of [
      '',
      'short',
      'x'.repeat(22),
      `${'A'.repeat(21)}=`,
      'A'.repeat(23),
      '../../etc/passwd',
    ]) {
      expect(readPreferenceToken(token, [current], now)).toBeUndefined();
    }
  });

  it('refuses a token made with a key it does not hold', () => {
    const stranger: PreferenceKey = { id: current.id, secret: 'someone else' };
    const token = issuePreferenceToken(stranger, { phone: '+12065550100', expiresAt });
    expect(readPreferenceToken(token, [current, previous], now)).toBeUndefined();
  });

  it('keeps opening links made with the previous key after a rotation', () => {
    const made = issuePreferenceToken(previous, { phone: '+12065550100', expiresAt });
    expect(readPreferenceToken(made, [current, previous], now)?.phone).toBe('+12065550100');
    expect(readPreferenceToken(made, [current], now)).toBeUndefined();
  });

  it('tries every key sharing the id, as two versions may', () => {
    const twin: PreferenceKey = { id: current.id, secret: 'twin secret' };
    const token = issuePreferenceToken(twin, { phone: '+447700900123', expiresAt });
    expect(readPreferenceToken(token, [current, twin], now)?.phone).toBe('+447700900123');
  });

  it('expires at the end of the last day, UTC', () => {
    expect(expiresAt.toISOString()).toBe('2026-12-28T00:00:00.000Z');
    const token = issuePreferenceToken(current, { phone: '+12065550100', expiresAt });
    expect(readPreferenceToken(token, [current], new Date('2026-12-27T23:59:59.999Z'))).toBeDefined();
    expect(readPreferenceToken(token, [current], new Date('2026-12-28T00:00:00.000Z'))).toBeUndefined();
  });

  it('binds the form proof to its token and key', () => {
    const token = issuePreferenceToken(current, { phone: '+12065550100', expiresAt });
    const other = issuePreferenceToken(current, { phone: '+12065550101', expiresAt });
    const proof = formProof(current, token);
    expect(isFormProof([previous, current], token, proof)).toBe(true);
    expect(isFormProof([current], other, proof)).toBe(false);
    expect(isFormProof([previous], token, proof)).toBe(false);
    expect(isFormProof([current], token, '')).toBe(false);
  });
});
