/**
 * An audience too large to count within `POST /v1/campaigns`: the call answers 202 `estimating` and
 * the dispatcher finishes the count a minute later, then creates the dispatch schedules. Here the
 * program gives the create call no time at all (`campaignEstimateSeconds: 0`), so every campaign
 * takes that path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../lambdas/adapters/campaign-store';
import type { QuietHoursOpening } from '../../lambdas/domain/campaign-audience';
import { EventBridgeScheduler } from '../../lambdas/adapters/scheduler';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

interface View {
  campaignId: string;
  state: string;
  estimate: {
    recipients: number;
    segmentsPerMessage: number;
    costUsd: number;
    complete: boolean;
    quietHours?: { recipients: number; opens: QuietHoursOpening[] };
    smartSending?: { recipients: number; hours: number };
  };
  warnings?: { code: string; recipients: number; audience: number; complete: boolean }[];
  schedules: { name: string; timeZone?: string; at: string }[];
  counters: { targeted: number; sent: number };
}

// 04:00 in Los Angeles, 07:00 in New York.
const START = new Date('2026-11-20T12:00:00Z');

describe('campaign estimate finished by the dispatcher', () => {
  let runtime: TestRuntime;
  const create = (body: Record<string, unknown>) => runtime.post<View>('/v1/campaigns', body);
  const view = async (campaignId: string) => (await runtime.get<View>(`/v1/campaigns/${campaignId}`)).body;
  const texts = (campaignId: string) => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
  const schedulesOf = (campaignId: string) =>
    [...runtime.scheduler.schedules.values()].filter((s) => s.name.startsWith(campaignId));

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      messagesPerSecond: 50,
      config: { ...KEYWORDS_ONLY, campaignEstimateSeconds: 0 },
    });
    await seedProfiles(runtime, [
      ...phoneNumbers('212', 30).map((p) => seedProfile(p, 'eligible', START)),
      ...phoneNumbers('415', 20).map((p) => seedProfile(p, 'eligible', START)),
    ]);
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers 202 estimating, then counts, schedules each time zone and sends once to each recipient', async () => {
    const created = await create({
      name: 'Morning',
      body: 'Good morning',
      segment: { all: true },
      sendAtLocalTime: '2026-11-20T10:00',
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      state: 'estimating',
      estimate: { recipients: 0, complete: false },
      schedules: [],
    });
    const { campaignId } = created.body;
    expect(schedulesOf(campaignId).map((s) => s.name)).toEqual([`${campaignId}-estimate`]);
    expect((await view(campaignId)).state).toBe('estimating');

    runtime.clock.advance(61_000);
    await runtime.settle();
    const estimated = await view(campaignId);
    expect(estimated).toMatchObject({ state: 'scheduled', estimate: { recipients: 50, complete: true } });
    expect(estimated.estimate.costUsd).toBeGreaterThan(0);
    expect(estimated.schedules.map((s) => s.timeZone).sort()).toEqual([
      'America/Los_Angeles',
      'America/New_York',
    ]);
    expect(
      schedulesOf(campaignId)
        .map((s) => s.name)
        .sort(),
    ).toEqual(estimated.schedules.map((s) => s.name).sort());

    runtime.clock.set(new Date('2026-11-20T15:00:30Z')); // 10:00 in New York
    await waitFor(() => texts(campaignId).length === 30, 10_000, 'New York');
    expect(texts(campaignId).every((m) => m.to.startsWith('+1212'))).toBe(true);
    runtime.clock.set(new Date('2026-11-20T18:00:30Z')); // 10:00 in Los Angeles
    await waitFor(() => texts(campaignId).length === 50, 10_000, 'Los Angeles');
    await runtime.settle();
    expect(new Set(texts(campaignId).map((m) => m.to)).size).toBe(50);
    expect(await view(campaignId)).toMatchObject({
      state: 'dispatched',
      counters: { targeted: 50, sent: 50 },
    });
  });

  it('leaves a campaign cancelled while estimating unscheduled and silent', async () => {
    const created = await create({
      name: 'Never mind',
      body: 'Flash sale',
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
    });
    expect(created.status).toBe(202);
    const { campaignId } = created.body;
    const cancelled = await runtime.post<View>(`/v1/campaigns/${campaignId}/cancel`, {});
    expect(cancelled.body.state).toBe('cancelled');
    expect(schedulesOf(campaignId)).toEqual([]);

    // The estimate job delivered anyway (it was already on its way) changes nothing.
    await runtime.lambdas.invoke('campaignDispatcher', { action: 'estimate', campaignId });
    runtime.clock.advance(86_400_000);
    await runtime.settle();
    expect(schedulesOf(campaignId)).toEqual([]);
    expect(texts(campaignId)).toEqual([]);
    expect(await view(campaignId)).toMatchObject({ state: 'cancelled', estimate: { complete: false } });
  });

  it('finishes once: a second delivery of the estimate job neither recounts nor sends twice', async () => {
    const sendAt = new Date(runtime.clock.now().getTime() + 3_600_000).toISOString();
    const created = await create({
      name: 'In an hour',
      body: 'Doors open in an hour',
      segment: { phones: [phoneNumbers('212', 1)[0]!, phoneNumbers('415', 1)[0]!] },
      sendAt,
      smartSending: false,
    });
    expect(created.status).toBe(202);
    const { campaignId } = created.body;
    runtime.clock.advance(61_000);
    await runtime.settle();
    const first = await view(campaignId);
    expect(first).toMatchObject({ state: 'scheduled', estimate: { recipients: 2, complete: true } });
    expect(first.schedules).toEqual([{ name: campaignId, at: sendAt }]);

    await runtime.lambdas.invoke('campaignDispatcher', { action: 'estimate', campaignId });
    expect(await view(campaignId)).toEqual(first);
    expect(schedulesOf(campaignId).map((s) => s.name)).toEqual([campaignId]);

    runtime.clock.advance(3_600_000);
    await waitFor(() => texts(campaignId).length === 2, 10_000, 'both recipients');
    await runtime.settle();
    expect(texts(campaignId)).toHaveLength(2);
  });

  it('creates the schedules on a later delivery when the one that stored the estimate died before creating them', async () => {
    const sendAt = new Date(runtime.clock.now().getTime() + 5 * 60_000).toISOString();
    const created = await create({
      name: 'Interrupted',
      body: 'Back in stock',
      segment: { phones: [phoneNumbers('212', 1, 1)[0]!] },
      sendAt,
      smartSending: false,
    });
    const { campaignId } = created.body;
    // What a delivery that died between its two steps leaves: the estimate stored, no schedule made.
    const schedule = { name: campaignId, at: sendAt };
    const estimate = { ...created.body.estimate, recipients: 1, complete: true };
    const campaigns = new DynamoCampaignStore(runtime.dynamo.tableNames.campaigns);
    expect(await campaigns.finishEstimate(campaignId, estimate, [schedule])).toBe(true);
    const { schedulerRole, scheduleGroup } = runtime.environmentOf('campaignDispatcher');
    await new EventBridgeScheduler({ roleArn: schedulerRole, groupName: scheduleGroup }).delete(
      `${campaignId}-estimate`,
    );
    expect(schedulesOf(campaignId)).toEqual([]);

    // Past the send time already: the schedule is made for a minute from now, not in the past.
    runtime.clock.advance(10 * 60_000);
    await runtime.lambdas.invoke('campaignDispatcher', { action: 'estimate', campaignId });
    const [made] = schedulesOf(campaignId);
    expect(made?.name).toBe(campaignId);
    expect(made!.dueAt.getTime()).toBeGreaterThanOrEqual(runtime.clock.now().getTime() + 59_000);
    runtime.clock.advance(2 * 60_000);
    await waitFor(() => texts(campaignId).length === 1, 10_000, 'the recipient');
    await runtime.settle();
    expect(texts(campaignId)).toHaveLength(1);
    expect(await view(campaignId)).toMatchObject({ state: 'dispatched', counters: { targeted: 1, sent: 1 } });
  });

  it('schedules an A/B winner’s decision once counted, and again when a later delivery finds it missing', async () => {
    // On a whole second: schedules are.
    const sendAt = new Date(Math.ceil((runtime.clock.now().getTime() + 3_600_000) / 1000) * 1000);
    const created = await create({
      name: 'Best of two',
      variants: [
        { name: 'a', body: 'Beans are back', weight: 1 },
        { name: 'b', body: 'Your favourite beans are back', weight: 1 },
      ],
      winner: { metric: 'clicks', testFraction: 0.5, decideAfterHours: 2 },
      segment: { phones: phoneNumbers('212', 4, 200) },
      sendAt: sendAt.toISOString(),
    });
    expect(created.status).toBe(202);
    const { campaignId } = created.body;
    expect(schedulesOf(campaignId).map((s) => s.name)).toEqual([`${campaignId}-estimate`]);

    runtime.clock.advance(61_000);
    await runtime.settle();
    expect((await view(campaignId)).state).toBe('scheduled');
    const winnerSchedule = () => schedulesOf(campaignId).find((s) => s.name === `${campaignId}-winner`);
    const decideAt = sendAt.getTime() + 2 * 3_600_000;
    expect(winnerSchedule()?.dueAt.getTime()).toBe(decideAt);

    // A delivery that died after storing the estimate, before the winner's schedule was made.
    const { schedulerRole, scheduleGroup } = runtime.environmentOf('campaignDispatcher');
    await new EventBridgeScheduler({ roleArn: schedulerRole, groupName: scheduleGroup }).delete(
      `${campaignId}-winner`,
    );
    expect(winnerSchedule()).toBeUndefined();
    await runtime.lambdas.invoke('campaignDispatcher', { action: 'estimate', campaignId });
    expect(winnerSchedule()?.dueAt.getTime()).toBe(decideAt);

    await runtime.post(`/v1/campaigns/${campaignId}/cancel`, {});
    expect(schedulesOf(campaignId)).toEqual([]);
  });

  it('gives the audience warnings’ final numbers once the count is finished', async () => {
    // Last: the clock goes to the night.
    runtime.clock.set(new Date('2026-11-21T06:00:00Z')); // 01:00 in New York, 22:00 in Los Angeles
    const [newYork, recent] = phoneNumbers('212', 2, 100);
    const [losAngeles] = phoneNumbers('415', 1, 100);
    const now = runtime.clock.now();
    await seedProfiles(runtime, [
      seedProfile(newYork!, 'eligible', now),
      seedProfile(recent!, 'recently_texted', now),
      seedProfile(losAngeles!, 'eligible', now),
    ]);
    const request = {
      name: 'Midnight',
      body: 'Midnight madness',
      segment: { phones: [newYork, recent, losAngeles] },
      sendAt: new Date(now.getTime() + 60_000).toISOString(),
    };
    const post = () =>
      fetch(`${runtime.url}/v1/campaigns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'estimate-midnight-1' },
        body: JSON.stringify(request),
      });
    const created = await post();
    expect(created.status).toBe(202);
    const { campaignId, warnings } = (await created.json()) as View;
    // Nobody counted yet: no numbers to give.
    expect(warnings?.filter((w) => w.code === 'quiet_hours' || w.code === 'smart_sending')).toEqual([]);

    runtime.clock.advance(61_000);
    await waitFor(async () => (await view(campaignId)).state !== 'estimating', 10_000, 'the estimate');
    expect((await view(campaignId)).estimate).toMatchObject({
      recipients: 3,
      complete: true,
      quietHours: {
        recipients: 3,
        opens: [
          { timeZone: 'America/New_York', localTime: '2026-11-21T08:00', recipients: 2 },
          { timeZone: 'America/Los_Angeles', localTime: '2026-11-21T08:00', recipients: 1 },
        ],
      },
      smartSending: { recipients: 1, hours: 24 },
    });
    const repeated = (await (await post()).json()) as View;
    expect(repeated.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'quiet_hours', recipients: 3, audience: 3, complete: true }),
        expect.objectContaining({ code: 'smart_sending', recipients: 1, audience: 3, complete: true }),
      ]),
    );
    await runtime.post(`/v1/campaigns/${campaignId}/cancel`, {});
  });
});
