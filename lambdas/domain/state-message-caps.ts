/**
 * State message caps: Florida, Oklahoma and Maryland allow at most 3 solicitations to a number in 24
 * hours (the `messageCap` entries of state-calling-hours.ts, with their citations). Optline counts every
 * marketing text, whatever its subject: stricter than the law, never looser.
 *
 * The count lives on the profile (`stateCapSends`: the marketing texts of the last window, each under
 * its message id) and is reserved before the text is claimed, with a condition on `stateCapVersion`, so
 * two senders racing for the last slot cannot both take it, and a retry of the same message finds its
 * own entry rather than counting twice. See docs/decisions/0026-state-caps-counted-on-the-profile.md.
 *
 * A subscriber's own cap ("fewer texts", 7 days) is decided and counted in the same window: the entries
 * kept are those of the longest window that applies to the number.
 */
import { regionForNumber } from './number-time-zone';
import { STATE_CALLING_HOURS, type StateMessageCap } from './state-calling-hours';

/** One marketing text counted against a state cap. */
export interface CapSend {
  readonly messageId: string;
  /** When it was reserved (ISO). */
  readonly at: string;
}

/** The cap that applies to a number, with the state it comes from; undefined where none does. */
export function messageCapFor(phone: string): (StateMessageCap & { readonly region: string }) | undefined {
  const region = regionForNumber(phone);
  const cap = region === undefined ? undefined : STATE_CALLING_HOURS[region]?.messageCap;
  return region !== undefined && cap !== undefined ? { ...cap, region } : undefined;
}

export type StateCapDecision =
  /** `entries`: the window with this text added, to reserve; absent when the text is already counted. */
  | { readonly action: 'send'; readonly entries?: readonly CapSend[] }
  | { readonly action: 'defer'; readonly until: Date }
  | { readonly action: 'skip' };

/**
 * Decides one marketing text against a cap: send it (and count it), defer it to when the oldest text
 * of the window leaves it, or skip it when that is after its deadline. A text without a deadline (a
 * campaign, a welcome step) is skipped rather than held for up to a day.
 */
export function stateCapDecision(input: {
  readonly cap: Pick<StateMessageCap, 'count' | 'hours'>;
  readonly sent: readonly CapSend[] | undefined;
  readonly messageId: string;
  readonly now: Date;
  readonly deadline?: Date;
}): StateCapDecision {
  const windowMs = input.cap.hours * 3_600_000;
  const live = (input.sent ?? [])
    .filter((entry) => Date.parse(entry.at) > input.now.getTime() - windowMs)
    .sort((a, b) => a.at.localeCompare(b.at));
  if (live.some((entry) => entry.messageId === input.messageId)) return { action: 'send' };
  if (live.length < input.cap.count)
    return {
      action: 'send',
      entries: [...live, { messageId: input.messageId, at: input.now.toISOString() }],
    };
  // The slot frees when the oldest text that keeps the window full is `hours` old.
  const freeing = live[live.length - input.cap.count];
  const until = new Date(Date.parse(freeing!.at) + windowMs);
  if (input.deadline === undefined || until.getTime() > input.deadline.getTime()) return { action: 'skip' };
  return { action: 'defer', until };
}

/** The window of a subscriber's own cap (`maxMarketingPerWeek`): any 7 days. */
export const SUBSCRIBER_CAP_HOURS = 7 * 24;

/**
 * The window with this text counted, keeping every text of the last `windowHours` (the longest cap
 * that applies), or undefined when the text is already counted (a retry).
 */
export function countedWindow(input: {
  readonly sent: readonly CapSend[] | undefined;
  readonly messageId: string;
  readonly now: Date;
  readonly windowHours: number;
}): readonly CapSend[] | undefined {
  const live = (input.sent ?? [])
    .filter((entry) => Date.parse(entry.at) > input.now.getTime() - input.windowHours * 3_600_000)
    .sort((a, b) => a.at.localeCompare(b.at));
  if (live.some((entry) => entry.messageId === input.messageId)) return undefined;
  return [...live, { messageId: input.messageId, at: input.now.toISOString() }];
}
