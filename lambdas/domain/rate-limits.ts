/**
 * Fixed one-hour windows that limit what the public routes can make Optline text. SMS pumping (toll
 * fraud) sends many requests to blocks of premium numbers, so limits apply per number, per number
 * prefix, per source IP and to everyone together.
 */
import type { RuntimeConfig } from './runtime-config';

export interface RateLimitBucket {
  /** e.g. `rl#phone#+12065550100#2026-11-23T14`. */
  readonly key: string;
  readonly limit: number;
  readonly expiresAt: Date;
  /** When the window ends and the count starts again. */
  readonly windowEndsAt: Date;
  /** Which limit, for the error message. */
  readonly scope: 'phone' | 'prefix' | 'ip' | 'global' | 'agent' | 'page';
}

const HOUR_MS = 3600 * 1000;

/** The number without its last four digits: the block a pumping ring would cycle through. */
export function numberPrefix(e164: string): string {
  return e164.slice(0, Math.max(4, e164.length - 4));
}

export function rateLimitBuckets(
  input: { readonly phone?: string; readonly ip?: string; readonly now: Date },
  limits: RuntimeConfig['rateLimits'],
): RateLimitBucket[] {
  const windowStart = Math.floor(input.now.getTime() / HOUR_MS) * HOUR_MS;
  const window = new Date(windowStart).toISOString().slice(0, 13);
  // Kept a little past the window so a late read still sees the count.
  const expiresAt = new Date(windowStart + 2 * HOUR_MS);
  const windowEndsAt = new Date(windowStart + HOUR_MS);
  const buckets: RateLimitBucket[] = [];
  if (input.ip)
    buckets.push({
      key: `rl#ip#${input.ip}#${window}`,
      limit: limits.perIpPerHour,
      expiresAt,
      windowEndsAt,
      scope: 'ip',
    });
  if (input.phone) {
    buckets.push({
      key: `rl#phone#${input.phone}#${window}`,
      limit: limits.perPhonePerHour,
      expiresAt,
      windowEndsAt,
      scope: 'phone',
    });
    buckets.push({
      key: `rl#prefix#${numberPrefix(input.phone)}#${window}`,
      limit: limits.perPrefixPerHour,
      expiresAt,
      windowEndsAt,
      scope: 'prefix',
    });
  }
  buckets.push({
    key: `rl#global#${window}`,
    limit: limits.globalPerHour,
    expiresAt,
    windowEndsAt,
    scope: 'global',
  });
  return buckets;
}

const MINUTE_MS = 60 * 1000;

/** The minute's bucket of one agent's conversation replies. */
export function agentReplyBucket(agent: string, now: Date, perMinute: number): RateLimitBucket {
  const windowStart = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  return {
    key: `rl#agent#${agent}#${new Date(windowStart).toISOString().slice(0, 16)}`,
    limit: perMinute,
    expiresAt: new Date(windowStart + 2 * MINUTE_MS),
    windowEndsAt: new Date(windowStart + MINUTE_MS),
    scope: 'agent',
  };
}

/**
 * The hour's bucket of one address's requests to the preference pages (`/p/`): a token is a secret
 * of 48 signed bits, and this keeps anyone from trying tokens faster than a person reads pages.
 */
export function pageRequestBucket(ip: string, now: Date, perHour: number): RateLimitBucket {
  const windowStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return {
    key: `rl#page#${ip}#${new Date(windowStart).toISOString().slice(0, 13)}`,
    limit: perHour,
    expiresAt: new Date(windowStart + 2 * HOUR_MS),
    windowEndsAt: new Date(windowStart + HOUR_MS),
    scope: 'page',
  };
}
