/**
 * Plain values the config schema and the handlers share, kept apart from the schema so a handler
 * that only needs these does not bundle the schema (and the template engine it validates with).
 */

/** End User Messaging's required opt-out keywords plus the FCC's per-se list and STOP ALL. */
export const DEFAULT_OPT_OUT_KEYWORDS = [
  'ARRET',
  'CANCEL',
  'END',
  'OPT-OUT',
  'OPTOUT',
  'QUIT',
  'REMOVE',
  'STOP',
  'TD',
  'UNSUBSCRIBE',
  'REVOKE',
  'OPT OUT',
  'STOPALL',
  'STOP ALL',
];

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
