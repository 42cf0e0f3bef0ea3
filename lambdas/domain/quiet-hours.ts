/**
 * Quiet hours: when a marketing message may reach a recipient, in the recipient's own time zone.
 *
 * Pure: every function takes the instant it reasons about; nothing reads the clock. Windows are local
 * wall-clock times ('HH:MM', end exclusive) turned into instants for each local day with `zonedToInstant`,
 * so DST is handled once, there: a window start that falls in a spring-forward gap moves forward with the
 * clocks (02:30 → 03:30), and one that falls in a fall-back overlap is its first occurrence.
 */
import { regionForNumber, timeZoneForNumber } from './number-time-zone';
import { STATE_CALLING_HOURS, type StateCallingHours } from './state-calling-hours';
import { localParts, zonedToInstant } from './zoned-time';

/** Local hours of one day: 'HH:MM', end exclusive. A window whose end is not after its start is closed. */
export interface DailyWindow {
  readonly start: string;
  readonly end: string;
}

/** Day of the recipient's local date, counted as `Date#getUTCDay` does: 0 = Sunday … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface SendWindow extends DailyWindow {
  /**
   * Days with other hours than start–end, e.g. Texas Sundays; null closes the day. Optional: a configured
   * window has none, `sendWindowFor` adds them when a state law has them.
   */
  readonly byWeekday?: Readonly<Partial<Record<Weekday, DailyWindow | null>>>;
  /** Local dates ('YYYY-MM-DD') closed all day: a state's legal holidays (`sendWindowFor` adds them). */
  readonly closedDates?: readonly string[];
}

export type QuietHoursDecision =
  | { readonly action: 'send' }
  | { readonly action: 'defer'; readonly until: Date }
  | { readonly action: 'skip'; readonly reason: 'quiet_hours_deadline' };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS: readonly Weekday[] = [0, 1, 2, 3, 4, 5, 6];

/**
 * The window for a recipient: the configured one, narrowed by stricter state law for the number's US
 * state (see state-calling-hours.ts). Never wider than `configured`: each day is the intersection, and a
 * day where they do not meet is closed. `rule` names the law when it changed anything.
 */
export function sendWindowFor(
  phone: string,
  configured: SendWindow,
): SendWindow & { readonly rule?: string } {
  return sendWindowForRegion(regionForNumber(phone), configured);
}

/**
 * The region whose calling-hours law applies to a number (`TX`), or undefined where none does: two
 * numbers with the same zone and the same such region have the same send window.
 */
export function callingHoursRegion(phone: string): string | undefined {
  const region = regionForNumber(phone);
  return region !== undefined && STATE_CALLING_HOURS[region] !== undefined ? region : undefined;
}

/** `sendWindowFor` by the number's region (`regionForNumber`) rather than the number. */
export function sendWindowForRegion(
  region: string | undefined,
  configured: SendWindow,
): SendWindow & { readonly rule?: string } {
  const law = region === undefined ? undefined : STATE_CALLING_HOURS[region];
  if (region === undefined || law === undefined) return configured;
  const narrowed = narrow(configured, law);
  const holidays = law.holidays ? { closedDates: law.holidays.dates } : {};
  if (WEEKDAYS.every((day) => sameDay(windowOn(narrowed, day), windowOn(configured, day))))
    return law.holidays
      ? { ...configured, ...holidays, rule: `US-${region}: ${law.holidays.citation}` }
      : configured;
  return { ...narrowed, ...holidays, rule: `US-${region}: ${law.citation}` };
}

/**
 * The hours the state's calling-hours law alone allows for a number (no configured quiet hours), or
 * undefined where no such law applies: what still holds a conversational reply inside its window.
 */
export function stateLawWindow(phone: string): (SendWindow & { readonly rule: string }) | undefined {
  const region = callingHoursRegion(phone);
  const law = region === undefined ? undefined : STATE_CALLING_HOURS[region];
  if (region === undefined || law === undefined) return undefined;
  return {
    ...law.window,
    ...(law.byWeekday ? { byWeekday: law.byWeekday } : {}),
    rule: `US-${region}: ${law.citation}`,
  };
}

/** Recipient time zone: profile's, else the number's, else the default. An invalid profile zone is ignored. */
export function recipientTimeZone(
  profileTimeZone: string | undefined,
  phone: string,
  defaultTimeZone: string,
): string {
  if (profileTimeZone && isTimeZone(profileTimeZone)) return profileTimeZone;
  return timeZoneForNumber(phone) ?? defaultTimeZone;
}

/**
 * `at` itself when it is inside the window in that zone, else the start of the next window (the next
 * allowed minute), DST-correct. Throws a RangeError when the window never opens (every day closed).
 */
export function nextAllowedTime(at: Date, timeZone: string, window: SendWindow): Date {
  const next = findNextAllowed(at, timeZone, window);
  if (!next)
    throw new RangeError(`the send window ${describeWindow(window)} is closed on every day of the week`);
  return next;
}

/**
 * Decides for a message due at `now`: send, defer to the next allowed time, or skip when that would be
 * after `deadline`. The deadline only bounds a deferral: a message inside its window is sent. A window
 * that never opens (a configured window that does not meet the state's) has no next allowed time, which
 * is after any deadline, so the message is skipped.
 */
export function quietHoursDecision(input: {
  now: Date;
  timeZone: string;
  window: SendWindow;
  deadline?: Date;
}): QuietHoursDecision {
  const next = findNextAllowed(input.now, input.timeZone, input.window);
  if (next === undefined) return { action: 'skip', reason: 'quiet_hours_deadline' };
  if (next.getTime() === input.now.getTime()) return { action: 'send' };
  if (input.deadline !== undefined && next.getTime() > input.deadline.getTime()) {
    return { action: 'skip', reason: 'quiet_hours_deadline' };
  }
  return { action: 'defer', until: next };
}

function findNextAllowed(at: Date, timeZone: string, window: SendWindow): Date | undefined {
  const today = localParts(at, timeZone);
  const closed = window.closedDates ?? [];
  // Eight local days cover a full week from any starting day, so any open weekday is found; each
  // closed date can push that one day further.
  for (let offset = 0; offset <= 7 + closed.length; offset++) {
    // Date.UTC normalises day overflow (Jan 32 → Feb 1), which walks the recipient's calendar.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const hours = windowOn(window, date.getUTCDay() as Weekday);
    if (!hours || closed.includes(date.toISOString().slice(0, 10))) continue;
    const day = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      second: 0,
    };
    const start = zonedToInstant({ ...day, ...parseTime(hours.start) }, timeZone);
    const end = zonedToInstant({ ...day, ...parseTime(hours.end) }, timeZone);
    if (end.getTime() <= start.getTime()) continue; // a DST jump can swallow a very short window
    if (at.getTime() < end.getTime()) return at.getTime() >= start.getTime() ? at : start;
  }
  return undefined;
}

/** The day's hours, or undefined when the window is closed that day. */
function windowOn(window: SendWindow, weekday: Weekday): DailyWindow | undefined {
  const hours = window.byWeekday?.[weekday];
  const chosen = hours === undefined ? window : hours;
  if (chosen === null) return undefined;
  const daily = { start: chosen.start, end: chosen.end };
  parseTime(daily.start);
  parseTime(daily.end);
  return daily.start < daily.end ? daily : undefined;
}

function narrow(configured: SendWindow, law: StateCallingHours): SendWindow {
  const lawOn = (day: Weekday): DailyWindow | undefined => {
    const hours = law.byWeekday?.[day];
    return hours === null ? undefined : (hours ?? law.window);
  };
  const days = WEEKDAYS.map((day) => intersect(windowOn(configured, day), lawOn(day)));
  // Monday's window (a day no state treats specially) is the default; other days differ only if needed.
  const base = days[1] ?? closedAt(intersectBounds(configured, law.window));
  const byWeekday: Partial<Record<Weekday, DailyWindow | null>> = {};
  for (const day of WEEKDAYS) {
    const hours = days[day];
    if (!sameDay(hours, base)) byWeekday[day] = hours ?? null;
  }
  return Object.keys(byWeekday).length > 0 ? { ...base, byWeekday } : base;
}

function intersect(a: DailyWindow | undefined, b: DailyWindow | undefined): DailyWindow | undefined {
  if (!a || !b) return undefined;
  const hours = intersectBounds(a, b);
  return hours.start < hours.end ? hours : undefined;
}

function intersectBounds(a: DailyWindow, b: DailyWindow): DailyWindow {
  return { start: a.start > b.start ? a.start : b.start, end: a.end < b.end ? a.end : b.end };
}

/** A closed window that still says where it would have started (start === end). */
function closedAt(hours: DailyWindow): DailyWindow {
  return hours.start < hours.end ? hours : { start: hours.start, end: hours.start };
}

function sameDay(a: DailyWindow | undefined, b: DailyWindow | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.start === b.start && a.end === b.end);
}

function parseTime(value: string): { hour: number; minute: number } {
  const match = TIME.exec(value);
  if (!match) throw new RangeError(`send window times must be HH:MM (24-hour), got ${JSON.stringify(value)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function describeWindow(window: SendWindow): string {
  return `${window.start}–${window.end}${window.byWeekday ? ` (${JSON.stringify(window.byWeekday)})` : ''}`;
}

const validZones = new Map<string, boolean>();
function isTimeZone(value: string): boolean {
  let valid = validZones.get(value);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      valid = true;
    } catch {
      valid = false;
    }
    validZones.set(value, valid);
  }
  return valid;
}
