/**
 * The clock handlers inject into domain code. In AWS it is the system clock. The local runtime sets
 * `OPTLINE_CLOCK_ORIGIN_MS` (virtual time at the anchor), `OPTLINE_CLOCK_ANCHOR_MS` (real time at
 * the anchor) and `OPTLINE_TIME_SCALE`, so virtual time = origin + (real now - anchor) * scale: a
 * one-hour wait at scale 3600 takes a second, and every handler agrees on the time.
 */
import type { Clock } from '../domain/clock';

export function virtualNowMs(realNowMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const origin = Number(env.OPTLINE_CLOCK_ORIGIN_MS);
  const anchor = Number(env.OPTLINE_CLOCK_ANCHOR_MS);
  const scale = Number(env.OPTLINE_TIME_SCALE ?? '1');
  if (!Number.isFinite(origin) || !Number.isFinite(anchor) || !env.OPTLINE_CLOCK_ORIGIN_MS) return realNowMs;
  return Math.floor(origin + (realNowMs - anchor) * (Number.isFinite(scale) && scale > 0 ? scale : 1));
}

export const systemClock: Clock = {
  now: () => new Date(virtualNowMs(Date.now())),
};
