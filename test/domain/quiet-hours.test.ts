import { describe, expect, it } from 'vitest';
import {
  nextAllowedTime,
  quietHoursDecision,
  recipientTimeZone,
  sendWindowFor,
  type SendWindow,
  type Weekday,
} from '../../lambdas/domain/quiet-hours';
import { STATE_CALLING_HOURS, STATE_CALLING_HOURS_EVIDENCE } from '../../lambdas/domain/state-calling-hours';
import { localParts, zonedToInstant, zoneOffsetMs } from '../../lambdas/domain/zoned-time';

const TCPA: SendWindow = { start: '08:00', end: '21:00' };

/** 2026 calendar facts the cases rely on (checked by the first test). */
const US_SPRING_FORWARD = '2026-03-08'; // second Sunday of March
const US_FALL_BACK = '2026-11-01'; // first Sunday of November
const UK_SPRING_FORWARD = '2026-03-29'; // last Sunday of March
const UK_FALL_BACK = '2026-10-25'; // last Sunday of October
const SYDNEY_FALL_BACK = '2026-04-05'; // first Sunday of April
const SYDNEY_SPRING_FORWARD = '2026-10-04'; // first Sunday of October

describe('calendar facts used below', () => {
  it.each([
    US_SPRING_FORWARD,
    US_FALL_BACK,
    UK_SPRING_FORWARD,
    UK_FALL_BACK,
    SYDNEY_FALL_BACK,
    SYDNEY_SPRING_FORWARD,
  ])('%s is a Sunday', (day) => {
    expect(new Date(`${day}T12:00:00Z`).getUTCDay()).toBe(0);
  });
});

describe('nextAllowedTime', () => {
  it.each<[string, string, string, SendWindow, string]>([
    // label, at, zone, window, expected
    ['New York, inside', '2026-01-15T15:00:00Z', 'America/New_York', TCPA, '2026-01-15T15:00:00Z'],
    ['New York, before the window', '2026-01-15T12:00:00Z', 'America/New_York', TCPA, '2026-01-15T13:00:00Z'],
    ['New York, after the window', '2026-01-16T02:30:00Z', 'America/New_York', TCPA, '2026-01-16T13:00:00Z'],
    ['New York, exactly at start', '2026-01-15T13:00:00Z', 'America/New_York', TCPA, '2026-01-15T13:00:00Z'],
    [
      'New York, a minute before end',
      '2026-01-16T01:59:00Z',
      'America/New_York',
      TCPA,
      '2026-01-16T01:59:00Z',
    ],
    [
      'New York, exactly at end (exclusive)',
      '2026-01-16T02:00:00Z',
      'America/New_York',
      TCPA,
      '2026-01-16T13:00:00Z',
    ],
    ['New York, summer (EDT)', '2026-07-01T11:00:00Z', 'America/New_York', TCPA, '2026-07-01T12:00:00Z'],
    [
      'keeps milliseconds inside',
      '2026-01-15T15:00:00.123Z',
      'America/New_York',
      TCPA,
      '2026-01-15T15:00:00.123Z',
    ],
    [
      'Los Angeles, before (PDT)',
      '2026-07-01T14:00:00Z',
      'America/Los_Angeles',
      TCPA,
      '2026-07-01T15:00:00Z',
    ],
    ['Chicago, late evening', '2026-02-10T03:30:00Z', 'America/Chicago', TCPA, '2026-02-10T14:00:00Z'],
    ['Phoenix, summer: no DST', '2026-07-01T14:30:00Z', 'America/Phoenix', TCPA, '2026-07-01T15:00:00Z'],
    ['Phoenix, winter: same UTC', '2026-01-15T14:30:00Z', 'America/Phoenix', TCPA, '2026-01-15T15:00:00Z'],
    ['Honolulu', '2026-07-01T17:00:00Z', 'Pacific/Honolulu', TCPA, '2026-07-01T18:00:00Z'],
    ['Anchorage', '2026-01-15T16:00:00Z', 'America/Anchorage', TCPA, '2026-01-15T17:00:00Z'],
    ['St. John’s (half-hour zone)', '2026-01-15T10:00:00Z', 'America/St_Johns', TCPA, '2026-01-15T11:30:00Z'],
    ['London, winter', '2026-01-15T07:59:00Z', 'Europe/London', TCPA, '2026-01-15T08:00:00Z'],
    ['Paris, summer', '2026-07-01T05:00:00Z', 'Europe/Paris', TCPA, '2026-07-01T06:00:00Z'],
    ['Kolkata (+05:30)', '2026-03-01T02:00:00Z', 'Asia/Kolkata', TCPA, '2026-03-01T02:30:00Z'],
    ['Kathmandu (+05:45)', '2026-03-01T02:00:00Z', 'Asia/Kathmandu', TCPA, '2026-03-01T02:15:00Z'],
    [
      'Tokyo, after the window: next local day',
      '2026-03-01T13:00:00Z',
      'Asia/Tokyo',
      TCPA,
      '2026-03-01T23:00:00Z',
    ],
    [
      'Kiritimati (+14): local date ahead of UTC',
      '2026-03-01T17:00:00Z',
      'Pacific/Kiritimati',
      TCPA,
      '2026-03-01T18:00:00Z',
    ],
    ['Auckland, summer (NZDT)', '2026-01-15T18:00:00Z', 'Pacific/Auckland', TCPA, '2026-01-15T19:00:00Z'],
    [
      'Sydney, January is summer (AEDT +11)',
      '2026-01-15T20:00:00Z',
      'Australia/Sydney',
      TCPA,
      '2026-01-15T21:00:00Z',
    ],
    [
      'Sydney, July is winter (AEST +10)',
      '2026-07-15T21:00:00Z',
      'Australia/Sydney',
      TCPA,
      '2026-07-15T22:00:00Z',
    ],
    [
      'Brisbane: Queensland keeps no DST',
      '2026-01-15T21:00:00Z',
      'Australia/Brisbane',
      TCPA,
      '2026-01-15T22:00:00Z',
    ],
    // DST: spring forward. 01:00 EST on the day; 08:00 is EDT (12:00Z, not 13:00Z).
    ['New York spring-forward day', '2026-03-08T06:00:00Z', 'America/New_York', TCPA, '2026-03-08T12:00:00Z'],
    ['New York, the day before', '2026-03-07T12:00:00Z', 'America/New_York', TCPA, '2026-03-07T13:00:00Z'],
    [
      'New York, after the window the evening before',
      '2026-03-08T02:30:00Z',
      'America/New_York',
      TCPA,
      '2026-03-08T12:00:00Z',
    ],
    // DST: fall back. 01:30 EDT (the first 01:30); 08:00 is EST (13:00Z).
    [
      'New York fall-back day, in the repeated hour',
      '2026-11-01T05:30:00Z',
      'America/New_York',
      TCPA,
      '2026-11-01T13:00:00Z',
    ],
    [
      'New York fall-back day, 20:30 EST still inside',
      '2026-11-02T01:30:00Z',
      'America/New_York',
      TCPA,
      '2026-11-02T01:30:00Z',
    ],
    [
      'New York fall-back day, 21:00 EST is the end',
      '2026-11-02T02:00:00Z',
      'America/New_York',
      TCPA,
      '2026-11-02T13:00:00Z',
    ],
    ['London spring-forward day', '2026-03-29T00:30:00Z', 'Europe/London', TCPA, '2026-03-29T07:00:00Z'],
    [
      'London fall-back day, in the repeated hour',
      '2026-10-25T00:30:00Z',
      'Europe/London',
      TCPA,
      '2026-10-25T08:00:00Z',
    ],
    [
      'London, the evening before fall-back (BST)',
      '2026-10-24T20:30:00Z',
      'Europe/London',
      TCPA,
      '2026-10-25T08:00:00Z',
    ],
    // Southern hemisphere: Sydney falls back in April and springs forward in October.
    [
      'Sydney fall-back day, in the repeated hour',
      '2026-04-04T15:30:00Z',
      'Australia/Sydney',
      TCPA,
      '2026-04-04T22:00:00Z',
    ],
    ['Sydney spring-forward day', '2026-10-03T15:30:00Z', 'Australia/Sydney', TCPA, '2026-10-03T21:00:00Z'],
    // A window start inside the spring-forward gap moves forward with the clocks (zonedToInstant's rule).
    [
      'start in the gap: 02:30 → 03:30 EDT',
      '2026-03-08T06:30:00Z',
      'America/New_York',
      { start: '02:30', end: '21:00' },
      '2026-03-08T07:30:00Z',
    ],
    [
      'start in the repeated hour: the first 01:30',
      '2026-11-01T04:00:00Z',
      'America/New_York',
      { start: '01:30', end: '21:00' },
      '2026-11-01T05:30:00Z',
    ],
    // Days closed by byWeekday (Sunday in Mississippi, say) are skipped.
    [
      'closed Sunday: Saturday night → Monday morning',
      '2026-03-15T02:30:00Z',
      'America/Chicago',
      { start: '08:00', end: '21:00', byWeekday: { 0: null } },
      '2026-03-16T13:00:00Z',
    ],
    [
      'Sunday with its own hours (Texas)',
      '2026-03-15T15:00:00Z',
      'America/Chicago',
      { start: '09:00', end: '21:00', byWeekday: { 0: { start: '12:00', end: '21:00' } } },
      '2026-03-15T17:00:00Z',
    ],
    [
      'only Wednesdays open: a week ahead',
      '2026-03-11T20:00:00Z',
      'Europe/London',
      { start: '09:00', end: '17:00', byWeekday: { 0: null, 1: null, 2: null, 4: null, 5: null, 6: null } },
      '2026-03-18T09:00:00Z',
    ],
  ])('%s', (_, at, zone, window, expected) => {
    expect(nextAllowedTime(new Date(at), zone, window).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('returns the same Date object when already inside', () => {
    const at = new Date('2026-01-15T15:00:00Z');
    expect(nextAllowedTime(at, 'America/New_York', TCPA)).toBe(at);
  });

  it('never returns a time outside the window, nor earlier than asked (every 37 minutes of 2026)', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Sydney', 'America/St_Johns']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 37 * 60_000) {
        const next = nextAllowedTime(new Date(t), zone, TCPA);
        const local = localParts(next, zone);
        const minutes = local.hour * 60 + local.minute;
        expect(next.getTime()).toBeGreaterThanOrEqual(t);
        expect(next.getTime() - t).toBeLessThan(24 * 3_600_000);
        expect(minutes >= 8 * 60 && minutes < 21 * 60, `${zone} ${new Date(t).toISOString()}`).toBe(true);
      }
    }
  });

  it('rejects a window closed on every day, and malformed times', () => {
    const closed: SendWindow = { start: '09:00', end: '09:00' };
    expect(() => nextAllowedTime(new Date('2026-01-15T15:00:00Z'), 'America/New_York', closed)).toThrow(
      RangeError,
    );
    expect(() =>
      nextAllowedTime(new Date('2026-01-15T15:00:00Z'), 'America/New_York', { start: '8:00', end: '21:00' }),
    ).toThrow(/HH:MM/);
    expect(() =>
      nextAllowedTime(new Date('2026-01-15T15:00:00Z'), 'America/New_York', { start: '08:00', end: '24:00' }),
    ).toThrow(RangeError);
  });
});

describe('quietHoursDecision', () => {
  const zone = 'America/New_York';
  const before = new Date('2026-01-15T12:00:00Z'); // 07:00 EST; the window opens at 13:00Z

  it.each<[string, Date, Date | undefined, unknown]>([
    ['inside the window: send', new Date('2026-01-15T15:00:00Z'), undefined, { action: 'send' }],
    [
      'before, no deadline: defer',
      before,
      undefined,
      { action: 'defer', until: new Date('2026-01-15T13:00:00Z') },
    ],
    [
      'before, deadline later: defer',
      before,
      new Date('2026-01-15T18:00:00Z'),
      { action: 'defer', until: new Date('2026-01-15T13:00:00Z') },
    ],
    [
      'before, deadline exactly at the start: defer',
      before,
      new Date('2026-01-15T13:00:00Z'),
      { action: 'defer', until: new Date('2026-01-15T13:00:00Z') },
    ],
    [
      'before, deadline earlier than the start: skip',
      before,
      new Date('2026-01-15T12:59:59Z'),
      { action: 'skip', reason: 'quiet_hours_deadline' },
    ],
    [
      'after the window, deadline tonight: skip',
      new Date('2026-01-16T02:30:00Z'),
      new Date('2026-01-16T05:00:00Z'),
      { action: 'skip', reason: 'quiet_hours_deadline' },
    ],
    [
      'inside with a deadline already past: the deadline only bounds a deferral',
      new Date('2026-01-15T15:00:00Z'),
      new Date('2026-01-15T14:00:00Z'),
      { action: 'send' },
    ],
  ])('%s', (_, now, deadline, expected) => {
    expect(quietHoursDecision({ now, timeZone: zone, window: TCPA, deadline })).toEqual(expected);
  });

  it('skips when the window never opens', () => {
    const window = sendWindowFor('+12035550100', { start: '08:00', end: '09:00' }); // CT starts at 09:00
    expect(quietHoursDecision({ now: before, timeZone: zone, window })).toEqual({
      action: 'skip',
      reason: 'quiet_hours_deadline',
    });
  });

  it('defers across the spring-forward night to 08:00 EDT', () => {
    expect(
      quietHoursDecision({ now: new Date('2026-03-08T03:00:00Z'), timeZone: zone, window: TCPA }),
    ).toEqual({
      action: 'defer',
      until: new Date('2026-03-08T12:00:00Z'),
    });
  });
});

describe('sendWindowFor: state calling-hours law', () => {
  it('narrows a Florida number to 08:00–20:00 (Fla. Stat. § 501.616(6)(a))', () => {
    const window = sendWindowFor('+13055550100', TCPA);
    expect(window).toMatchObject({ start: '08:00', end: '20:00' });
    expect(window.byWeekday).toBeUndefined();
    expect(window.rule).toMatch(/^US-FL: .*501\.616/);
  });

  it('leaves a window already inside the state law alone, without a rule', () => {
    const configured = { start: '09:00', end: '19:00' };
    expect(sendWindowFor('+13055550100', configured)).toBe(configured);
  });

  it.each([
    ['New York', '+12125550100'],
    ['UK', '+447700900123'],
    ['Jamaica', '+18765550100'],
    ['unknown', 'not a phone'],
  ])('leaves %s numbers to the configured window', (_, phone) => {
    expect(sendWindowFor(phone, TCPA)).toBe(TCPA);
  });

  it.each([
    ['Connecticut', '+12035550100', { start: '09:00', end: '20:00' }],
    ['Kentucky', '+15025550100', { start: '10:00', end: '21:00' }],
    ['Oklahoma', '+14055550100', { start: '08:00', end: '20:00' }],
    ['Maryland', '+14105550100', { start: '08:00', end: '20:00' }],
    ['Washington', '+12065550100', { start: '08:00', end: '20:00' }],
  ])('%s', (_, phone, expected) => {
    const window = sendWindowFor(phone, TCPA);
    expect({ start: window.start, end: window.end }).toEqual(expected);
    expect(window.rule).toBeDefined();
  });

  it('models Texas Sundays: noon to 9 p.m.', () => {
    const window = sendWindowFor('+17135550100', TCPA); // Houston
    expect(window).toMatchObject({
      start: '09:00',
      end: '21:00',
      byWeekday: { 0: { start: '12:00', end: '21:00' } },
    });
    expect(window.rule).toMatch(/^US-TX: .*301\.051/);
    // Sunday 2026-03-15, 10:00 CDT: wait for noon. Saturday 10:00 CDT: send.
    expect(nextAllowedTime(new Date('2026-03-15T15:00:00Z'), 'America/Chicago', window)).toEqual(
      new Date('2026-03-15T17:00:00Z'),
    );
    expect(nextAllowedTime(new Date('2026-03-14T15:00:00Z'), 'America/Chicago', window)).toEqual(
      new Date('2026-03-14T15:00:00Z'),
    );
    // Saturday 21:30 CDT → Sunday noon.
    expect(nextAllowedTime(new Date('2026-03-15T02:30:00Z'), 'America/Chicago', window)).toEqual(
      new Date('2026-03-15T17:00:00Z'),
    );
  });

  it('intersects a Texas Sunday with a configured window that ends early', () => {
    const window = sendWindowFor('+12145550100', { start: '08:00', end: '11:00' });
    expect(window).toMatchObject({ start: '09:00', end: '11:00', byWeekday: { 0: null } });
  });

  it('closes Sundays in Mississippi (no solicitations on a Sunday)', () => {
    const window = sendWindowFor('+16015550100', TCPA);
    expect(window).toMatchObject({ start: '08:00', end: '21:00', byWeekday: { 0: null } });
    expect(window.rule).toMatch(/^US-MS: /);
  });

  it('models Rhode Island Saturdays and Sundays', () => {
    expect(sendWindowFor('+14015550100', TCPA)).toMatchObject({
      start: '09:00',
      end: '18:00',
      byWeekday: { 0: null, 6: { start: '10:00', end: '17:00' } },
    });
  });

  it('closes the window when the configured one does not meet the state’s', () => {
    const window = sendWindowFor('+12035550100', { start: '08:00', end: '09:00' });
    expect(window).toMatchObject({ start: '09:00', end: '09:00' });
    expect(() => nextAllowedTime(new Date('2026-01-15T12:00:00Z'), 'America/New_York', window)).toThrow(
      RangeError,
    );
  });

  const configuredWindows: SendWindow[] = [
    TCPA,
    { start: '08:00', end: '20:00' },
    { start: '09:30', end: '17:45' },
    { start: '11:00', end: '13:00' },
    { start: '20:00', end: '21:00' },
  ];
  const phoneFor = (state: string) => {
    const areaCode = {
      AL: '205',
      CT: '203',
      FL: '305',
      KY: '502',
      LA: '504',
      MA: '617',
      MD: '410',
      MI: '313',
      MN: '612',
      MS: '601',
      NM: '505',
      NV: '702',
      OK: '405',
      PA: '215',
      RI: '401',
      TX: '214',
      UT: '801',
      WA: '206',
      WY: '307',
    }[state];
    return `+1${areaCode}5550100`;
  };

  it.each(Object.keys(STATE_CALLING_HOURS))('never widens the configured window (%s)', (state) => {
    for (const configured of configuredWindows) {
      const window = sendWindowFor(phoneFor(state), configured);
      for (const day of [0, 1, 2, 3, 4, 5, 6] as Weekday[]) {
        const hours = window.byWeekday?.[day] === undefined ? window : window.byWeekday[day];
        if (hours === null || hours.start >= hours.end) continue;
        expect(hours.start >= configured.start && hours.end <= configured.end, `${state} ${day}`).toBe(true);
        const law = STATE_CALLING_HOURS[state];
        const lawDay = law?.byWeekday?.[day] === undefined ? law?.window : law.byWeekday[day];
        expect(lawDay, `${state} ${day}`).not.toBeNull();
        expect(
          hours.start >= (lawDay?.start ?? '') && hours.end <= (lawDay?.end ?? ''),
          `${state} ${day}`,
        ).toBe(true);
      }
    }
  });

  it('finds the state of every number it is given a table entry for', () => {
    for (const state of Object.keys(STATE_CALLING_HOURS)) {
      expect(sendWindowFor(phoneFor(state), TCPA).rule, state).toMatch(new RegExp(`^US-${state}: `));
    }
  });

  it('documents every entry: citation, note, verification and source', () => {
    expect(Object.keys(STATE_CALLING_HOURS_EVIDENCE).sort()).toEqual(Object.keys(STATE_CALLING_HOURS).sort());
    for (const [state, law] of Object.entries(STATE_CALLING_HOURS)) {
      const evidence = STATE_CALLING_HOURS_EVIDENCE[state];
      expect(state).toMatch(/^[A-Z]{2}$/);
      expect(law.citation.length, state).toBeGreaterThan(10);
      expect(evidence?.note.length, state).toBeGreaterThan(10);
      expect(evidence?.source.length, state).toBeGreaterThan(5);
      expect(['statute-text', 'secondary-sources', 'single-secondary-source']).toContain(
        evidence?.verification,
      );
      expect(law.window.start >= '08:00' && law.window.end <= '21:00', state).toBe(true);
    }
  });

  it('closes Alabama, Louisiana, Rhode Island, Pennsylvania and Utah on their legal holidays, each documented', () => {
    const closing = Object.entries(STATE_CALLING_HOURS).filter(([, law]) => law.holidays);
    expect(closing.map(([state]) => state)).toEqual(['AL', 'LA', 'PA', 'RI', 'UT']);
    for (const [state, law] of closing) {
      const dates = law.holidays?.dates ?? [];
      expect(dates.every((date) => /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date)))).toBe(
        true,
      );
      expect([...dates].sort(), state).toEqual(dates);
      // New Year's Day, Independence Day and Christmas, in every year the table covers.
      for (const year of [2026, 2027, 2028])
        for (const day of ['01-01', '07-04', '12-25']) expect(dates, state).toContain(`${year}-${day}`);
      const evidence = STATE_CALLING_HOURS_EVIDENCE[state]?.holidays;
      expect(law.holidays?.citation.length, state).toBeGreaterThan(10);
      expect(evidence?.note.length, state).toBeGreaterThan(10);
      expect(['statute-text', 'secondary-sources', 'single-secondary-source']).toContain(
        evidence?.verification,
      );
    }
  });

  it('defers a text due on a state holiday to the next open day, like quiet hours', () => {
    // Christmas 2026 is a Friday: 13:00 in Philadelphia, 10:00 in Seattle.
    const christmas = new Date('2026-12-25T18:00:00Z');
    const philadelphia = sendWindowFor('+12155550100', TCPA);
    expect(philadelphia.rule).toMatch(/^US-PA: 73 P\.S\. § 2245\(a\)/);
    expect(
      quietHoursDecision({ now: christmas, timeZone: 'America/New_York', window: philadelphia }),
    ).toEqual({ action: 'defer', until: new Date('2026-12-26T13:00:00Z') });
    expect(
      quietHoursDecision({
        now: christmas,
        timeZone: 'America/New_York',
        window: philadelphia,
        deadline: new Date('2026-12-26T00:00:00Z'),
      }),
    ).toEqual({ action: 'skip', reason: 'quiet_hours_deadline' });
    expect(
      quietHoursDecision({
        now: christmas,
        timeZone: 'America/Los_Angeles',
        window: sendWindowFor('+12065550100', TCPA),
      }),
    ).toEqual({ action: 'send' });
  });

  it('skips a Sunday and the Monday a holiday is observed on together (Louisiana, 4 July 2027)', () => {
    // Saturday 3 July 2027, 21:00 in New Orleans: Sunday closed, the 4th a holiday, Monday the 5th observed.
    const decision = quietHoursDecision({
      now: new Date('2027-07-04T02:00:00Z'),
      timeZone: 'America/Chicago',
      window: sendWindowFor('+15045550100', TCPA),
    });
    expect(decision).toEqual({ action: 'defer', until: new Date('2027-07-06T13:00:00Z') });
  });

  it('caps Florida, Oklahoma and Maryland at 3 marketing texts in 24 hours, each cap documented', () => {
    const capped = Object.entries(STATE_CALLING_HOURS).filter(([, law]) => law.messageCap);
    expect(capped.map(([state, law]) => [state, law.messageCap?.count, law.messageCap?.hours])).toEqual([
      ['FL', 3, 24],
      ['MD', 3, 24],
      ['OK', 3, 24],
    ]);
    for (const [state, law] of capped) {
      const evidence = STATE_CALLING_HOURS_EVIDENCE[state]?.messageCap;
      expect(law.messageCap?.citation.length, state).toBeGreaterThan(10);
      expect(evidence?.note.length, state).toBeGreaterThan(10);
      expect(evidence?.source.length, state).toBeGreaterThan(5);
      expect(['statute-text', 'secondary-sources', 'single-secondary-source']).toContain(
        evidence?.verification,
      );
    }
  });
});

describe('recipientTimeZone', () => {
  it.each<[string, string | undefined, string, string]>([
    ['the profile’s zone first', 'Europe/Berlin', '+13055550100', 'Europe/Berlin'],
    ['else the number’s', undefined, '+13055550100', 'America/New_York'],
    ['an invalid profile zone is ignored', 'Mars/Olympus_Mons', '+12065550100', 'America/Los_Angeles'],
    ['an empty profile zone is ignored', '', '+447700900123', 'Europe/London'],
    ['else the default', undefined, '+61412345678', 'America/Chicago'],
    ['the default for an unknown area code', undefined, '+19995550100', 'America/Chicago'],
  ])('%s', (_, profile, phone, expected) => {
    expect(recipientTimeZone(profile, phone, 'America/Chicago')).toBe(expected);
  });
});

describe('zonedToInstant (zoned-time.ts)', () => {
  const at = (year: number, month: number, day: number, hour: number, minute: number) => ({
    year,
    month,
    day,
    hour,
    minute,
    second: 0,
  });

  it.each<[string, ReturnType<typeof at>, string, string]>([
    ['ordinary winter time', at(2026, 1, 15, 8, 0), 'America/New_York', '2026-01-15T13:00:00Z'],
    ['New York gap: 02:30 → 03:30 EDT', at(2026, 3, 8, 2, 30), 'America/New_York', '2026-03-08T07:30:00Z'],
    [
      'New York overlap: the first 01:30 (EDT)',
      at(2026, 11, 1, 1, 30),
      'America/New_York',
      '2026-11-01T05:30:00Z',
    ],
    ['London gap: 01:30 → 02:30 BST', at(2026, 3, 29, 1, 30), 'Europe/London', '2026-03-29T01:30:00Z'],
    [
      'London overlap: the first 01:30 (BST)',
      at(2026, 10, 25, 1, 30),
      'Europe/London',
      '2026-10-25T00:30:00Z',
    ],
    [
      'Sydney overlap: the first 02:30 (AEDT)',
      at(2026, 4, 5, 2, 30),
      'Australia/Sydney',
      '2026-04-04T15:30:00Z',
    ],
    ['Sydney gap: 02:30 → 03:30 AEDT', at(2026, 10, 4, 2, 30), 'Australia/Sydney', '2026-10-03T16:30:00Z'],
    [
      'Lord Howe half-hour DST overlap: first 01:45',
      at(2026, 4, 5, 1, 45),
      'Australia/Lord_Howe',
      '2026-04-04T14:45:00Z',
    ],
  ])('%s', (_, local, zone, expected) => {
    expect(zonedToInstant(local, zone).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('round-trips every 7 hours of 2026, returning the first occurrence in overlaps', () => {
    for (const zone of [
      'America/New_York',
      'Europe/London',
      'Australia/Sydney',
      'Asia/Kolkata',
      'America/Santiago',
    ]) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7 * 3_600_000 + 60_000) {
        const local = localParts(new Date(t), zone);
        const back = zonedToInstant(local, zone).getTime();
        if (back !== t) {
          // Only allowed in an overlap: an earlier instant shows the same wall time.
          expect(back, `${zone} ${new Date(t).toISOString()}`).toBeLessThan(t);
          expect(localParts(new Date(back), zone)).toEqual(local);
        }
      }
    }
  });
});

describe('zoneOffsetMs (zoned-time.ts), cached by quarter hour', () => {
  /** The offset read straight from the zone's local time, uncached. */
  const measured = (instant: Date, zone: string) => {
    const p = localParts(instant, zone);
    return (
      Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) -
      Math.floor(instant.getTime() / 1000) * 1000
    );
  };

  it.each([
    // Spring forward and fall back, half-hour DST (Lord Howe), quarter-hour offsets (Kathmandu, Chatham).
    ['America/New_York', Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1)],
    ['Europe/London', Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25)],
    ['Australia/Lord_Howe', Date.UTC(2026, 3, 4), Date.UTC(2026, 9, 3)],
    ['Pacific/Chatham', Date.UTC(2026, 3, 4), Date.UTC(2026, 8, 26)],
    ['America/St_Johns', Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1)],
    ['Asia/Kathmandu', Date.UTC(2026, 0, 1), Date.UTC(2026, 6, 1)],
  ])('matches the zone itself every 7 minutes around the transitions of %s', (zone, first, second) => {
    for (const day of [first, second]) {
      for (let ms = day - 86_400_000; ms <= day + 86_400_000; ms += 7 * 60_000 + 13_000) {
        const instant = new Date(ms);
        expect(zoneOffsetMs(instant, zone)).toBe(measured(instant, zone));
      }
    }
  });
});
