import { describe, expect, it } from 'vitest';
import { audienceTally, audienceWarnings, type OutlookContext } from '../../lambdas/domain/campaign-audience';
import { pendingBreakdown, sendWindowKey } from '../../lambdas/domain/campaign-progress';
import type { Profile } from '../../lambdas/domain/profile';

const WINDOW = { start: '08:00', end: '21:00' };
const NEW_YORK = 'America/New_York';
const LOS_ANGELES = 'America/Los_Angeles';
// Thursday 2026-11-12, 02:00 in New York, 23:00 (the 11th) in Los Angeles.
const NIGHT = new Date('2026-11-12T07:00:00Z');

function profile(phone: string, extra: Partial<Profile> = {}): Profile {
  return {
    phone,
    marketing: 'subscribed',
    transactional: 'never_subscribed',
    properties: {},
    consentVersion: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

function context(campaign: Partial<OutlookContext['campaign']> = {}, now = NIGHT): OutlookContext {
  return {
    now,
    campaign: {
      sendAt: new Date(now.getTime() + 60_000).toISOString(),
      smartSending: true,
      messageType: 'PROMOTIONAL',
      ...campaign,
    },
    quietHours: WINDOW,
    smartSendingHours: 24,
  };
}

const hoursBefore = (at: Date, hours: number) => new Date(at.getTime() - hours * 3_600_000).toISOString();

describe('audience outlook at creation', () => {
  it('counts a recipient in quiet hours at a night-time sendAt and says when the window opens', () => {
    const tally = audienceTally(context());
    tally.add(profile('+12125550100'), NEW_YORK);
    tally.add(profile('+12125550101'), NEW_YORK);
    tally.add(profile('+14155550100'), LOS_ANGELES);
    expect(tally.outlook().quietHours).toEqual({
      recipients: 3,
      opens: [
        { timeZone: NEW_YORK, at: '2026-11-12T13:00:00.000Z', localTime: '2026-11-12T08:00', recipients: 2 },
        {
          timeZone: LOS_ANGELES,
          at: '2026-11-12T16:00:00.000Z',
          localTime: '2026-11-12T08:00',
          recipients: 1,
        },
      ],
    });
  });

  it('counts nobody in quiet hours when the send time is inside the window', () => {
    const tally = audienceTally(context({ sendAt: '2026-11-12T15:00:00Z' })); // 10:00 in New York
    tally.add(profile('+12125550100'), NEW_YORK);
    expect(tally.outlook().quietHours).toEqual({ recipients: 0, opens: [] });
  });

  it('applies the stricter window of a state law: Connecticut opens at 09:00', () => {
    const tally = audienceTally(context({ sendAt: '2026-11-12T13:30:00Z' })); // 08:30 in New York
    tally.add(profile('+12125550100'), NEW_YORK);
    tally.add(profile('+12035550100'), NEW_YORK);
    expect(tally.outlook().quietHours).toEqual({
      recipients: 1,
      opens: [
        { timeZone: NEW_YORK, at: '2026-11-12T14:00:00.000Z', localTime: '2026-11-12T09:00', recipients: 1 },
      ],
    });
  });

  it('judges each zone of a local-time campaign at its own dispatch', () => {
    // 07:30 local: before the window everywhere; the sender holds each until 08:00 local.
    const tally = audienceTally(context({ sendAt: undefined, sendAtLocalTime: '2026-11-12T07:30' }));
    tally.add(profile('+12125550100'), NEW_YORK);
    tally.add(profile('+14155550100'), LOS_ANGELES);
    expect(tally.outlook().quietHours.opens.map((o) => [o.timeZone, o.localTime])).toEqual([
      [NEW_YORK, '2026-11-12T08:00'],
      [LOS_ANGELES, '2026-11-12T08:00'],
    ]);
  });

  it('counts a recipient texted within the smart-sending window before its text would go', () => {
    const sendAt = new Date('2026-11-12T15:00:00Z');
    const tally = audienceTally(context({ sendAt: sendAt.toISOString() }));
    tally.add(profile('+12125550100', { lastSmsAt: hoursBefore(sendAt, 3) }), NEW_YORK);
    tally.add(profile('+12125550101', { lastSmsAt: hoursBefore(sendAt, 25) }), NEW_YORK);
    tally.add(profile('+12125550102'), NEW_YORK);
    expect(tally.outlook().smartSending).toEqual({ recipients: 1, hours: 24 });
  });

  it('judges smart sending when a held text would go: the window’s opening, not the dispatch', () => {
    // Held from 02:00 to 08:00 in New York. Texted 20 h before the dispatch: 26 h by the morning,
    // so sent; texted 10 h before: 16 h by the morning, so skipped.
    const tally = audienceTally(context());
    tally.add(profile('+12125550100', { lastSmsAt: hoursBefore(NIGHT, 20) }), NEW_YORK);
    tally.add(profile('+12125550101', { lastSmsAt: hoursBefore(NIGHT, 10) }), NEW_YORK);
    expect(tally.outlook().smartSending.recipients).toBe(1);
  });

  it('counts no smart-sending skips for a campaign that turns smart sending off', () => {
    const tally = audienceTally(context({ smartSending: false }));
    tally.add(profile('+12125550100', { lastSmsAt: hoursBefore(NIGHT, 1) }), NEW_YORK);
    expect(tally.outlook().smartSending).toEqual({ recipients: 0, hours: 0 });
  });

  it('counts nothing for a transactional campaign: neither rule holds it', () => {
    const tally = audienceTally(context({ messageType: 'TRANSACTIONAL' }));
    tally.add(profile('+12125550100', { lastSmsAt: hoursBefore(NIGHT, 1) }), NEW_YORK);
    expect(tally.outlook()).toEqual({
      quietHours: { recipients: 0, opens: [] },
      smartSending: { recipients: 0, hours: 0 },
    });
  });
});

describe('audience warnings', () => {
  const outlook = {
    quietHours: {
      recipients: 1,
      opens: [
        { timeZone: NEW_YORK, at: '2026-11-12T13:00:00.000Z', localTime: '2026-11-12T08:00', recipients: 1 },
      ],
    },
    smartSending: { recipients: 1, hours: 24 },
  };

  it('gives each rule that holds or skips anyone a warning with its numbers', () => {
    const warnings = audienceWarnings({ recipients: 1, complete: true, ...outlook });
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'quiet_hours',
        recipients: 1,
        audience: 1,
        complete: true,
        opens: outlook.quietHours.opens,
      }),
      expect.objectContaining({
        code: 'smart_sending',
        recipients: 1,
        audience: 1,
        complete: true,
        smartSendingHours: 24,
      }),
    ]);
    expect(warnings[0]?.message).toContain('1 of 1 recipients are in quiet hours');
    expect(warnings[0]?.message).toContain(
      '1 at 2026-11-12T08:00 America/New_York (2026-11-12T13:00:00.000Z)',
    );
    expect(warnings[1]?.message).toContain('1 of 1 recipients got a text within 24 hours');
  });

  it('says the numbers are those counted so far while the audience is being counted', () => {
    const [warning] = audienceWarnings({ recipients: 40, complete: false, ...outlook });
    expect(warning).toMatchObject({ complete: false, audience: 40 });
    expect(warning?.message).toContain('1 of the 40 recipients counted so far');
  });

  it('gives none when nobody is held or skipped, or for an estimate stored before the outlook', () => {
    expect(
      audienceWarnings({
        recipients: 5,
        quietHours: { recipients: 0, opens: [] },
        smartSending: { recipients: 0, hours: 24 },
      }),
    ).toEqual([]);
    expect(audienceWarnings({ recipients: 5 })).toEqual([]);
  });
});

describe('pending texts by what holds them', () => {
  const marketing = (now: Date) => ({ now, quietHours: WINDOW, marketing: true });
  const ny = sendWindowKey(NEW_YORK, '+12125550100');
  const ct = sendWindowKey(NEW_YORK, '+12035550100');
  const la = sendWindowKey(LOS_ANGELES, '+14155550100');

  it('keys a window by zone, and by the state whose law narrows it', () => {
    expect(ny).toBe(NEW_YORK);
    expect(ct).toBe(`${NEW_YORK}|CT`);
  });

  it('counts the pending recipients of a closed window as waiting, with the time it opens', () => {
    const counters = {
      targeted: 5,
      settled: 1,
      targetedByWindow: { [ny]: 3, [la]: 2 },
      settledByWindow: { [ny]: 1 },
    };
    // 07:30 in New York, 04:30 in Los Angeles.
    expect(pendingBreakdown(counters, marketing(new Date('2026-11-12T12:30:00Z')))).toEqual({
      pending: 4,
      pendingBy: { waiting_for_quiet_hours: 4, queued: 0 },
      nextSendAt: '2026-11-12T13:00:00.000Z',
    });
    // 08:30 in New York: its two are queued; Los Angeles still waits.
    expect(pendingBreakdown(counters, marketing(new Date('2026-11-12T13:30:00Z')))).toEqual({
      pending: 4,
      pendingBy: { waiting_for_quiet_hours: 2, queued: 2 },
      nextSendAt: '2026-11-12T16:00:00.000Z',
    });
  });

  it('holds a Connecticut number until 09:00 while New York sends at 08:30', () => {
    const counters = { targeted: 2, settled: 0, targetedByWindow: { [ny]: 1, [ct]: 1 }, settledByWindow: {} };
    expect(pendingBreakdown(counters, marketing(new Date('2026-11-12T13:30:00Z')))).toEqual({
      pending: 2,
      pendingBy: { waiting_for_quiet_hours: 1, queued: 1 },
      nextSendAt: '2026-11-12T14:00:00.000Z',
    });
  });

  it('never lets the waiting exceed the pending', () => {
    // Two settled without their window (queue messages older than the window counts).
    const counters = { targeted: 3, settled: 2, targetedByWindow: { [ny]: 3 }, settledByWindow: {} };
    expect(pendingBreakdown(counters, marketing(NIGHT)).pendingBy).toEqual({
      waiting_for_quiet_hours: 1,
      queued: 0,
    });
  });

  it('queues everything of a transactional campaign: quiet hours do not hold it', () => {
    const counters = { targeted: 2, settled: 0, targetedByWindow: { [ny]: 2 }, settledByWindow: {} };
    expect(pendingBreakdown(counters, { ...marketing(NIGHT), marketing: false })).toEqual({
      pending: 2,
      pendingBy: { waiting_for_quiet_hours: 0, queued: 2 },
      nextSendAt: null,
    });
  });

  it('gives no split for campaigns stored before the counts it needs', () => {
    expect(pendingBreakdown({ targeted: 2 }, marketing(NIGHT))).toEqual({
      pending: null,
      pendingBy: null,
      nextSendAt: null,
    });
    expect(pendingBreakdown({ targeted: 2, settled: 1 }, marketing(NIGHT))).toEqual({
      pending: 1,
      pendingBy: null,
      nextSendAt: null,
    });
  });
});
