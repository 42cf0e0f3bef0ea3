/**
 * One-time codes for "smart opt-in": a 6-digit code texted to the number proves the person holds
 * the phone, so checking it counts as the confirmation step. The code is stored only as a salted
 * hash, expires after 10 minutes and allows 5 attempts.
 */

export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_ATTEMPTS = 5;

export interface Verification {
  readonly phone: string;
  /** hex HMAC-SHA256(salt, code). */
  readonly codeHash: string;
  readonly salt: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly attempts: number;
}

export type CodeCheck =
  | { readonly result: 'ok' }
  | { readonly result: 'incorrect'; readonly attemptsLeft: number }
  | { readonly result: 'expired' }
  | { readonly result: 'too_many_attempts' }
  | { readonly result: 'not_found' };

/**
 * Decides a code check. The caller first counts the attempt atomically (`counted` is false when no
 * attempt was left) and then compares in constant time (`matches`); `verification` is read after
 * counting, so its `attempts` includes this one.
 */
export function checkCode(
  verification: Verification | undefined,
  attempt: { counted: boolean; matches: boolean },
  now: Date,
): CodeCheck {
  if (!verification) return { result: 'not_found' };
  if (now.getTime() >= Date.parse(verification.expiresAt)) return { result: 'expired' };
  if (!attempt.counted) return { result: 'too_many_attempts' };
  if (attempt.matches) return { result: 'ok' };
  return { result: 'incorrect', attemptsLeft: Math.max(0, MAX_ATTEMPTS - verification.attempts) };
}

export function verificationMessage(brand: string, code: string): string {
  return `${brand}: Your verification code is ${code}. It expires in 10 minutes. Reply HELP for help, STOP to opt out.`;
}
