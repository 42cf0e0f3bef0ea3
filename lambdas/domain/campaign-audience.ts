/**
 * What quiet hours and smart sending will do to a campaign's audience, told when it is created: the
 * sender's own rules, applied to the audience as it is now, at the time each text would go, so that a
 * campaign that will text nobody tonight says so with numbers (docs/campaigns.md#creating-a-campaign).
 * Pure: the caller passes the time, the campaign's timing and the program's windows.
 */
import { dispatchTime, type Campaign } from './campaigns';
import type { LintWarning } from './message-lint';
import { campaignMessageClass } from './messages';
import type { Profile } from './profile';
import { callingHoursRegion, quietHoursDecision, sendWindowForRegion, type SendWindow } from './quiet-hours';
import { withinSmartSendingWindow } from './send-policy';
import { sendWindowKey } from './campaign-progress';
import { localParts } from './zoned-time';

/** Recipients of one time zone whose window opens at one instant. */
export interface QuietHoursOpening {
  readonly timeZone: string;
  /** The instant the window opens (ISO). */
  readonly at: string;
  /** The same in the recipients' zone, `YYYY-MM-DDTHH:MM`. */
  readonly localTime: string;
  readonly recipients: number;
}

export interface AudienceOutlook {
  /** Recipients whose sending window is closed when their dispatch runs, and when it opens. */
  readonly quietHours: { readonly recipients: number; readonly opens: readonly QuietHoursOpening[] };
  /** Recipients smart sending would skip at the time their text would go. */
  readonly smartSending: { readonly recipients: number; readonly hours: number };
}

/** Openings kept (earliest first); the campaign item stays small whatever the audience's spread. */
export const MAX_OPENINGS = 20;

export interface OutlookContext {
  readonly now: Date;
  readonly campaign: Pick<Campaign, 'sendAt' | 'sendAtLocalTime' | 'smartSending' | 'messageType'>;
  readonly quietHours: SendWindow;
  readonly smartSendingHours: number;
}

/**
 * A tally of the audience, one eligible recipient at a time (`add`), read with `outlook`. Windows and
 * dispatch times are worked out once per zone and calling-hours region, not per recipient.
 */
export function audienceTally(context: OutlookContext) {
  const marketing = campaignMessageClass(context.campaign) === 'marketing';
  const smartSending = marketing && context.campaign.smartSending && context.smartSendingHours > 0;
  const dispatchTimes = new Map<string, Date>();
  // Window key → when that window opens after the dispatch time (null: open then).
  const holds = new Map<string, Date | null>();
  const opens = new Map<string, { timeZone: string; at: Date; recipients: number }>();
  let held = 0;
  let skipped = 0;

  const dispatchOf = (zone: string): Date => {
    let at = dispatchTimes.get(zone);
    if (!at) {
      at = dispatchTime(context.campaign, zone, context.now);
      dispatchTimes.set(zone, at);
    }
    return at;
  };
  const openingOf = (zone: string, phone: string, at: Date): Date | null => {
    const key = sendWindowKey(zone, phone);
    let until = holds.get(key);
    if (until === undefined) {
      const decision = quietHoursDecision({
        now: at,
        timeZone: zone,
        window: sendWindowForRegion(callingHoursRegion(phone), context.quietHours),
      });
      until = decision.action === 'defer' ? decision.until : null;
      holds.set(key, until);
    }
    return until;
  };

  return {
    /** One eligible recipient, in the time zone the dispatcher will find for it. */
    add(profile: Profile, zone: string): void {
      if (!marketing) return;
      const at = dispatchOf(zone);
      const opening = openingOf(zone, profile.phone, at);
      if (opening) {
        held += 1;
        const key = `${zone}#${opening.getTime()}`;
        const entry = opens.get(key) ?? { timeZone: zone, at: opening, recipients: 0 };
        entry.recipients += 1;
        opens.set(key, entry);
      }
      const goes = opening ?? at;
      if (
        smartSending &&
        withinSmartSendingWindow(profile, { now: goes, smartSendingHours: context.smartSendingHours })
      )
        skipped += 1;
    },
    outlook(): AudienceOutlook {
      const openings = [...opens.values()]
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.timeZone.localeCompare(b.timeZone))
        .slice(0, MAX_OPENINGS)
        .map((o) => ({
          timeZone: o.timeZone,
          at: o.at.toISOString(),
          localTime: localTimeOf(o.at, o.timeZone),
          recipients: o.recipients,
        }));
      return {
        quietHours: { recipients: held, opens: openings },
        smartSending: { recipients: skipped, hours: smartSending ? context.smartSendingHours : 0 },
      };
    },
  };
}

export interface AudienceWarning extends LintWarning {
  readonly code: 'quiet_hours' | 'smart_sending';
  /** Recipients concerned. */
  readonly recipients: number;
  /** The estimate's recipients (eligible now). */
  readonly audience: number;
  /** False while the audience is still being counted: both numbers are those counted so far. */
  readonly complete: boolean;
  /** `quiet_hours`: when the windows open, earliest first (at most MAX_OPENINGS). */
  readonly opens?: readonly QuietHoursOpening[];
  /** `smart_sending`: the program's window. */
  readonly smartSendingHours?: number;
}

/** The warnings an estimate's outlook gives: one per rule that holds or skips anyone. */
export function audienceWarnings(estimate: {
  readonly recipients: number;
  readonly complete?: boolean;
  readonly quietHours?: AudienceOutlook['quietHours'];
  readonly smartSending?: AudienceOutlook['smartSending'];
}): AudienceWarning[] {
  const complete = estimate.complete ?? true;
  const audience = estimate.recipients;
  const share = (n: number) =>
    complete ? `${n} of ${audience} recipients` : `${n} of the ${audience} recipients counted so far`;
  const warnings: AudienceWarning[] = [];
  const quiet = estimate.quietHours;
  if (quiet && quiet.recipients > 0) {
    const shown = quiet.opens
      .slice(0, 3)
      .map((o) => `${o.recipients} at ${o.localTime} ${o.timeZone} (${o.at})`);
    const more = quiet.opens.length > 3 ? `, and ${quiet.opens.length - 3} more` : '';
    warnings.push({
      code: 'quiet_hours',
      message:
        `${share(quiet.recipients)} are in quiet hours when the campaign goes out: their texts wait ` +
        `until their sending window opens (${shown.join(', ')}${more})`,
      recipients: quiet.recipients,
      audience,
      complete,
      opens: quiet.opens,
    });
  }
  const smart = estimate.smartSending;
  if (smart && smart.recipients > 0) {
    warnings.push({
      code: 'smart_sending',
      message:
        `${share(smart.recipients)} got a text within ${smart.hours} hours before theirs would go: smart ` +
        'sending will skip them (create the campaign with "smartSending": false to text them anyway)',
      recipients: smart.recipients,
      audience,
      complete,
      smartSendingHours: smart.hours,
    });
  }
  return warnings;
}

function localTimeOf(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}
