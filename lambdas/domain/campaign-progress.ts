/**
 * Where a campaign's pending texts are: waiting for their quiet hours to end, or queued for the
 * sender. Read off counters kept once per recipient by send window, not from a count of holds, which
 * redelivery and the 15-minute rounds of a held text would count again
 * (docs/decisions/0022-pending-split-by-send-window.md). Pure: the caller passes the time.
 */
import { callingHoursRegion, quietHoursDecision, sendWindowForRegion, type SendWindow } from './quiet-hours';

/** Separates a time zone from the calling-hours region in a window key (`America/Chicago|TX`). */
const REGION_SEPARATOR = '|';

/** The send window a recipient of `phone`, found in `zone`, is held by: one key per window. */
export function sendWindowKey(zone: string, phone: string): string {
  const region = callingHoursRegion(phone);
  return region === undefined ? zone : `${zone}${REGION_SEPARATOR}${region}`;
}

function parseWindowKey(key: string): { zone: string; region?: string } {
  const at = key.indexOf(REGION_SEPARATOR);
  return at === -1 ? { zone: key } : { zone: key.slice(0, at), region: key.slice(at + 1) };
}

export interface PendingCounters {
  readonly targeted: number;
  readonly settled?: number;
  readonly targetedByWindow?: Readonly<Record<string, number>>;
  readonly settledByWindow?: Readonly<Record<string, number>>;
}

export interface PendingBreakdown {
  /** Dispatched recipients not yet sent or skipped; null on campaigns stored before it was kept. */
  readonly pending: number | null;
  /**
   * `pending` split: recipients whose send window is closed now (their texts wait on the queue until
   * it opens) and the others (queued for the paced sender). Sums to `pending`; null where the
   * campaign was stored before the windows were counted.
   */
  readonly pendingBy: { readonly waiting_for_quiet_hours: number; readonly queued: number } | null;
  /** When the first text waiting for quiet hours may go (its window opens); null when none waits. */
  readonly nextSendAt: string | null;
}

export function pendingBreakdown(
  counters: PendingCounters,
  context: { readonly now: Date; readonly quietHours: SendWindow; readonly marketing: boolean },
): PendingBreakdown {
  if (counters.settled === undefined) return { pending: null, pendingBy: null, nextSendAt: null };
  const pending = Math.max(0, counters.targeted - counters.settled);
  const none = { pending, pendingBy: { waiting_for_quiet_hours: 0, queued: pending }, nextSendAt: null };
  // Quiet hours hold marketing texts only.
  if (!context.marketing) return none;
  if (counters.targetedByWindow === undefined) return { pending, pendingBy: null, nextSendAt: null };
  let waiting = 0;
  let next: number | undefined;
  for (const [key, targeted] of Object.entries(counters.targetedByWindow)) {
    const left = targeted - (counters.settledByWindow?.[key] ?? 0);
    if (left <= 0) continue;
    const { zone, region } = parseWindowKey(key);
    const decision = quietHoursDecision({
      now: context.now,
      timeZone: zone,
      window: sendWindowForRegion(region, context.quietHours),
    });
    if (decision.action !== 'defer') continue;
    waiting += left;
    next = Math.min(next ?? Number.POSITIVE_INFINITY, decision.until.getTime());
  }
  // A recipient the sender got without its window (a queue message older than the window counts)
  // is settled in the totals only: the split never claims more than `pending`.
  waiting = Math.min(waiting, pending);
  return {
    pending,
    pendingBy: { waiting_for_quiet_hours: waiting, queued: pending - waiting },
    nextSendAt: waiting > 0 && next !== undefined ? new Date(next).toISOString() : null,
  };
}
