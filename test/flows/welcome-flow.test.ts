/**
 * The welcome series: its definition (from flows.welcome) compiled and run on
 * aws-local-stepfunctions, its tasks on the local Lambda host, dynalite and the End User Messaging emulator. Waits run on the virtual clock, which the
 * tests move forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formSubscription } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;

describe('welcome flow', () => {
  let runtime: TestRuntime;
  let counter = 0;
  // +1206… is Seattle (America/Los_Angeles); the clock starts at 10:00 there.
  const newPhone = () => `+1206${300 + counter++}0100`;
  const executionsFor = (phone: string) =>
    [...runtime.stepFunctions.executions.values()].filter(
      (e) => e.name.startsWith('welcome-') && e.input.includes(phone),
    );
  /** Resolves once the phone's flow is parked in a Wait state (so moving the clock fires that wait). */
  const waiting = (phone: string) =>
    waitFor(() => executionsFor(phone).find((e) => e.waitingUntil !== undefined), 15_000, 'a waiting flow');
  const finished = (phone: string) =>
    waitFor(
      () => executionsFor(phone).length > 0 && executionsFor(phone).every((e) => e.status !== 'RUNNING'),
      5000,
      'flow end',
    );

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: new Date('2026-03-03T18:00:00Z'),
      config: {
        origination: { kind: 'provision', isoCountryCode: 'US', numberType: 'SIMULATOR', mms: true },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('sends message 1 at once on YES, bypassing quiet hours and smart sending', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    const messages = await waitFor(
      async () => {
        const outbox = await runtime.outbox(phone);
        return outbox.length === 3 ? outbox : undefined;
      },
      5000,
      'welcome message 1',
    );
    expect(messages[2]?.body).toBe(
      'Acme Coffee: Welcome to Acme Coffee Texts! Use code WELCOME10 for 10% off your next order. Reply STOP to opt out.',
    );
    expect(messages[2]?.messageType).toBe('PROMOTIONAL');
  });

  it('delivers the incentive the form promised by $source', async () => {
    const phone = newPhone();
    await runtime.post('/v1/subscriptions', formSubscription(phone, { source: 'existing-email' }));
    await runtime.text(phone, 'YES');
    const welcome = await waitFor(
      async () => (await runtime.outbox(phone)).find((m) => m.messageType === 'PROMOTIONAL'),
      5000,
      'welcome',
    );
    expect(welcome.body).toContain('use code TEXTSHIP for free shipping.');
  });

  it('sends the contact card as MMS after the delay, within quiet hours', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    await waitFor(async () => (await runtime.outbox(phone)).length === 3, 15_000, 'message 1');
    await waiting(phone);
    runtime.clock.advance(24 * HOUR + 60_000);
    const card = await waitFor(async () => (await runtime.outbox(phone))[3], 15_000, 'contact card');
    expect(card.messageType).toBe('MMS');
    expect((card as { mediaUrls?: string[] }).mediaUrls).toEqual([
      's3://optline-local-media/contact-card.vcf',
    ]);
    await finished(phone);
    expect(executionsFor(phone).map((e) => e.status)).toEqual(['SUCCEEDED']);
  });

  it('ends the flow when the subscriber opts out before the next step', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    await waitFor(async () => (await runtime.outbox(phone)).length === 3, 15_000, 'message 1');
    await runtime.text(phone, 'STOP');
    await waiting(phone);
    runtime.clock.advance(25 * HOUR);
    await finished(phone);
    const bodies = (await runtime.outbox(phone)).map((m) => m.body);
    expect(bodies).toHaveLength(4);
    expect(bodies[3]).toMatch(/unsubscribed/);
    expect(executionsFor(phone).map((e) => e.status)).toEqual(['SUCCEEDED']);
  });

  it('holds the next step for a subscriber who texts PAUSE', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    await waitFor(async () => (await runtime.outbox(phone)).length === 3, 15_000, 'message 1');
    await runtime.text(phone, 'PAUSE');
    await waitFor(async () => (await runtime.outbox(phone)).length === 4, 15_000, 'the pause reply');
    await waiting(phone);
    runtime.clock.advance(25 * HOUR);
    await finished(phone);
    const outbox = await runtime.outbox(phone);
    expect(outbox).toHaveLength(4);
    expect(outbox.map((m) => m.messageType)).not.toContain('MMS');
  });

  it('defers a step due at night to the next allowed minute in the recipient’s time zone', async () => {
    const phone = newPhone();
    // 13:00 in Seattle: message 1 now; message 2 is due tomorrow 13:00, but the clock jumps to 23:00.
    runtime.clock.set(new Date('2026-03-05T21:00:00Z'));
    await subscribeByKeyword(runtime, phone);
    await waitFor(async () => (await runtime.outbox(phone)).length === 3, 15_000, 'message 1');
    const stepDelay = (await waiting(phone)).waitingUntil?.getTime();
    runtime.clock.advance(34 * HOUR);
    const deferred = await waitFor(
      () => {
        const until = executionsFor(phone)[0]?.waitingUntil;
        return until && until.getTime() !== stepDelay ? until : undefined;
      },
      5000,
      'the quiet-hours wait',
    );
    expect(deferred.toISOString()).toBe('2026-03-07T16:00:00.000Z');
    expect(await runtime.outbox(phone)).toHaveLength(3);
    runtime.clock.set(new Date('2026-03-07T16:00:30Z')); // 08:00:30 in Seattle
    const card = await waitFor(async () => (await runtime.outbox(phone))[3], 15_000, 'deferred step');
    expect(card.at >= '2026-03-07T16:00:00.000Z').toBe(true);
  });

  it('starts one flow for a duplicated SubscriptionConfirmed', async () => {
    const phone = newPhone();
    runtime.clock.set(new Date('2026-03-10T17:00:00Z')); // 10:00 in Seattle
    await subscribeByKeyword(runtime, phone);
    await waitFor(async () => (await runtime.outbox(phone)).length === 3, 15_000, 'message 1');
    await waiting(phone);
    const confirmed = runtime.bus.events.find(
      (e) => e['detail-type'] === 'SubscriptionConfirmed' && e.detail.phone === phone,
    );
    expect(confirmed).toBeDefined();
    // While the first runs, Step Functions answers a same-name same-input start with the same execution.
    await runtime.lambdas.invoke('flowStarter', confirmed);
    expect(executionsFor(phone)).toHaveLength(1);
    runtime.clock.advance(25 * HOUR);
    await finished(phone);
    const outcome = (await runtime.lambdas.invoke('flowStarter', confirmed)) as {
      defined: { flow: string; action: string }[];
    };
    expect(outcome.defined.find((start) => start.flow === 'welcome')?.action).toBe('exists');
    expect(executionsFor(phone)).toHaveLength(1);
    expect((await runtime.outbox(phone)).filter((m) => m.messageType !== 'TRANSACTIONAL')).toHaveLength(2);
  });
});
