/**
 * The token of a preference-page link (`/p/<token>`, docs/preferences.md): 22 URL-safe characters
 * that name a subscriber without showing the number, expire, and cannot be forged or guessed.
 *
 * 16 bytes, base64url: key id (1) | expiry day (2) | encrypted number (7) | MAC (6).
 * - The key id names the version of the signing secret the token was made with, so after a rotation
 *   the previous version still opens the links it made until they expire.
 * - The number (E.164 digits, at most 15, as an integer below 2^50) is encrypted SIV-style: the MAC
 *   over key id, expiry and number is the IV of the keystream, so two tokens never share a keystream
 *   unless they are the same token, and nothing about the number shows.
 * - The MAC is HMAC-SHA-256 truncated to 48 bits: a forger must guess it online, where each guess
 *   is a rate-limited request (2^47 on average).
 *
 * Pure: the caller brings the keys and the time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 16;
const MAC_BYTES = 6;
const PHONE_BYTES = 7;
const DAY_MS = 86_400_000;
export const PREFERENCE_TOKEN_LENGTH = 22;

/** One version of the signing secret: `id` is the byte tokens carry to name it. */
export interface PreferenceKey {
  readonly id: number;
  readonly secret: string;
}

export interface PreferenceTokenContent {
  readonly phone: string;
  /** The instant the link stops working (midnight UTC starting the day after its last day). */
  readonly expiresAt: Date;
}

/** When a link made now lasts `ttlDays`: the end of that day, UTC (tokens count whole days). */
export function preferenceLinkExpiry(now: Date, ttlDays: number): Date {
  const day = Math.floor(now.getTime() / DAY_MS) + ttlDays + 1;
  return new Date(day * DAY_MS);
}

export function issuePreferenceToken(key: PreferenceKey, content: PreferenceTokenContent): string {
  const digits = content.phone.replace(/^\+/, '');
  if (!/^[1-9]\d{1,14}$/.test(digits)) throw new Error('not an E.164 number');
  const day = Math.ceil(content.expiresAt.getTime() / DAY_MS);
  if (day < 0 || day > 0xffff) throw new Error('expiry out of range');
  const header = Buffer.from([key.id & 0xff, day >> 8, day & 0xff]);
  const phone = phoneBytes(digits);
  const mac = macOf(key.secret, header, phone);
  const token = Buffer.concat([header, xor(phone, keystream(key.secret, header, mac)), mac]);
  return token.toString('base64url');
}

/**
 * The number and expiry of a genuine, unexpired token, or undefined (malformed, forged, made with a
 * key no longer kept, or expired): the caller answers all of these alike.
 */
export function readPreferenceToken(
  token: string,
  keys: readonly PreferenceKey[],
  now: Date,
): PreferenceTokenContent | undefined {
  if (token.length !== PREFERENCE_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // One spelling per token: the last character's 4 unused bits must be zero.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return undefined;
  const header = bytes.subarray(0, 3);
  const sealed = bytes.subarray(3, 3 + PHONE_BYTES);
  const mac = bytes.subarray(3 + PHONE_BYTES);
  const expiresAt = new Date((((header[1] ?? 0) << 8) | (header[2] ?? 0)) * DAY_MS);
  // Key ids are one byte: two versions may share one, so each with the id is tried.
  for (const key of keys.filter((k) => (k.id & 0xff) === header[0])) {
    const phone = xor(sealed, keystream(key.secret, header, mac));
    if (!timingSafeEqual(macOf(key.secret, header, phone), mac)) continue;
    if (now.getTime() >= expiresAt.getTime()) return undefined;
    const value = phone.readUIntBE(1, 6) + (phone[0] ?? 0) * 2 ** 48;
    return { phone: `+${value}`, expiresAt };
  }
  return undefined;
}

/** The one-byte id of a secret version, from Secrets Manager's version id (a UUID). */
export function preferenceKeyId(versionId: string): number {
  return createHmac('sha256', 'optline-preference-key-id').update(versionId).digest()[0] ?? 0;
}

/**
 * A value bound to one token for the page's forms to send back (a form built elsewhere lacks it):
 * see docs/preferences.md.
 */
export function formProof(key: PreferenceKey, token: string): string {
  return subkey(key.secret, 'form').update(token).digest('base64url').slice(0, 22);
}

export function isFormProof(keys: readonly PreferenceKey[], token: string, proof: string): boolean {
  return keys.some((key) => {
    const expected = Buffer.from(formProof(key, token));
    const given = Buffer.from(proof);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function phoneBytes(digits: string): Buffer {
  const value = Number(digits);
  const buffer = Buffer.alloc(PHONE_BYTES);
  buffer[0] = Math.floor(value / 2 ** 48);
  buffer.writeUIntBE(value % 2 ** 48, 1, 6);
  return buffer;
}

function subkey(secret: string, purpose: string) {
  return createHmac('sha256', createHmac('sha256', secret).update(`optline-preferences-${purpose}`).digest());
}

function macOf(secret: string, header: Buffer, phone: Buffer): Buffer {
  return subkey(secret, 'mac').update(header).update(phone).digest().subarray(0, MAC_BYTES);
}

function keystream(secret: string, header: Buffer, mac: Buffer): Buffer {
  return subkey(secret, 'enc').update(header).update(mac).digest().subarray(0, PHONE_BYTES);
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ (b[i] ?? 0)));
}
