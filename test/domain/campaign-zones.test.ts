import { describe, expect, it } from 'vitest';
import { dispatchZoneOf, localSendTime, type CampaignSchedule } from '../../lambdas/domain/campaigns';

// 10:00 on 2026-11-20 in New York is 15:00 UTC, in Chicago 16:00, in Los Angeles 18:00.
const SCHEDULES: CampaignSchedule[] = [
  { name: 'c-la', timeZone: 'America/Los_Angeles', at: '2026-11-20T18:00:00.000Z' },
  { name: 'c-ny', timeZone: 'America/New_York', at: '2026-11-20T15:00:00.000Z' },
  { name: 'c-chi', timeZone: 'America/Chicago', at: '2026-11-20T16:00:00.000Z' },
];

describe('dispatchZoneOf', () => {
  const zoneOf = dispatchZoneOf(SCHEDULES, '2026-11-20T10:00');

  it.each([
    ['a zone with its own schedule', 'America/Chicago', 'America/Chicago'],
    [
      'east of every schedule (London, 10:00 = 10:00 UTC): the first run after it',
      'Europe/London',
      'America/New_York',
    ],
    ['between two runs (Denver, 10:00 = 17:00 UTC): the next one', 'America/Denver', 'America/Los_Angeles'],
    ['same instant as a run (Bogotá, 10:00 = 15:00 UTC): that run', 'America/Bogota', 'America/New_York'],
    [
      'west of every schedule (Honolulu, 10:00 = 20:00 UTC): the last run',
      'Pacific/Honolulu',
      'America/Los_Angeles',
    ],
  ])('%s', (_case, zone, expected) => {
    expect(zoneOf(zone)).toBe(expected);
  });

  it('hands every zone to one of the scheduled zones', () => {
    const scheduled = SCHEDULES.map((s) => s.timeZone);
    for (const zone of [
      'Europe/Berlin',
      'America/Phoenix',
      'America/Anchorage',
      'Asia/Tokyo',
      'Pacific/Kiritimati',
    ]) {
      expect(scheduled).toContain(zoneOf(zone));
    }
  });

  it('has no zone to give when the campaign has no per-zone schedules', () => {
    expect(
      dispatchZoneOf([{ name: 'c', at: '2026-11-20T15:00:00.000Z' }], '2026-11-20T10:00')('Asia/Tokyo'),
    ).toBeUndefined();
  });
});

describe('localSendTime', () => {
  it('reads the wall-clock parts', () => {
    expect(localSendTime('2026-11-27T09:30')).toEqual({
      year: 2026,
      month: 11,
      day: 27,
      hour: 9,
      minute: 30,
      second: 0,
    });
  });
});
