/**
 * End User Messaging's opt-out list: it refuses every text to a listed number, and it removes a number
 * from the list at most once per 30 days ("Each destination phone number can only be deleted once
 * every 30 days",
 * https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_DeleteOptedOutNumber.html).
 * Pure: the caller passes the time.
 *
 * Every rule that depends on the limit asks `optOutListRemovalBlockedUntil`: the STOP confirmation
 * that tells the subscriber when START works again, the START that must wait (consent-engine.ts), and
 * the API opt-in of an opted-out number (subscription-engine.ts).
 */

/** End User Messaging's limit on removing one number from an opt-out list. */
export const OPT_OUT_REMOVAL_INTERVAL_MS = 30 * 86_400_000;

/**
 * Until when End User Messaging would refuse to remove a number Optline last removed at
 * `lastRemovedAt`: 30 days after that removal. Undefined when a removal is allowed at `now`: never
 * removed, removed 30 days ago or more, or a time that does not parse.
 */
export function optOutListRemovalBlockedUntil(
  lastRemovedAt: string | undefined,
  now: Date,
): Date | undefined {
  if (lastRemovedAt === undefined) return undefined;
  const removedAt = Date.parse(lastRemovedAt);
  if (!(now.getTime() - removedAt < OPT_OUT_REMOVAL_INTERVAL_MS)) return undefined;
  return new Date(removedAt + OPT_OUT_REMOVAL_INTERVAL_MS);
}
