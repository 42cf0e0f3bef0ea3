/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: local parts of an instant, and the
 * instant of a local time (DST gaps move forward, as clocks do; DST overlaps take the first).
 */

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/**
 * Offsets by zone and quarter hour. Since 2000 every zone's offsets are whole quarter hours and its
 * transitions happen at quarter-hour local times, so they fall on quarter-hour instants: within one
 * quarter hour of UTC the offset cannot change. A quiet-hours decision asks for a dozen offsets, and
 * each uncached one formats a date through Intl.
 */
const offsets = new Map<string, number>();
const QUARTER_HOUR_MS = 900_000;
const CACHED_FROM_MS = Date.UTC(2000, 0, 1);
const OFFSETS_LIMIT = 10_000;

/** Offset of the zone from UTC at an instant, in milliseconds (e.g. -5 h for New York in winter). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const ms = instant.getTime();
  if (ms < CACHED_FROM_MS) return measuredOffsetMs(instant, timeZone);
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = measuredOffsetMs(instant, timeZone);
    if (offsets.size >= OFFSETS_LIMIT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function measuredOffsetMs(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the zone's clocks show `local`. In a DST overlap (the hour shown twice when clocks
 * fall back) it is the first of the two; in a DST gap (the hour skipped when clocks spring forward) it is
 * read with the offset in force before the jump, so 02:30 on a New York spring-forward day is 03:30 EDT.
 */
export function zonedToInstant(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  // Reading `wall` as UTC lands within 14 h of the answer, so the offsets a day either side are the ones
  // before and after any transition near it (no zone changes its offset twice within two days).
  const before = zoneOffsetMs(new Date(wall - DAY_MS), timeZone);
  const after = zoneOffsetMs(new Date(wall + DAY_MS), timeZone);
  // Earliest first: where both readings show `wall` (an overlap), the first occurrence wins. (The
  // previous two-pass version returned the second occurrence for zones east of UTC, e.g. London.)
  const candidates = [wall - before, wall - after].sort((a, b) => a - b);
  for (const candidate of candidates) {
    if (shows(candidate, wall, timeZone)) return new Date(candidate);
  }
  // No instant shows `wall`: it is in a gap, and clocks jump forward.
  return new Date(wall - before);
}

function shows(instant: number, wall: number, timeZone: string): boolean {
  return instant + zoneOffsetMs(new Date(instant), timeZone) === wall;
}
