import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { snsEvent } from '../../local/aws/sms-voice';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { KEYWORDS_ONLY } from '../support/fixtures';

interface ProfileView {
  marketing: string;
  transactional: string;
  optedOut: boolean;
  properties: Record<string, unknown>;
}
interface ConsentLogView {
  events: {
    action: string;
    applied: boolean;
    evidence: { keyword?: string; messageBody?: string; inboundMessageId?: string };
    previous: { marketing: string };
    next: { marketing: string };
  }[];
}

let counter = 0;
const newPhone = () => `+1206555${String(2000 + counter++).padStart(4, '0')}`;

describe('inbound SMS through the local runtime', () => {
  let runtime: TestRuntime;
  const profile = async (phone: string) =>
    (await runtime.get<ProfileView>(`/v1/profiles/${encodeURIComponent(phone)}`)).body;
  const consentLog = async (phone: string) =>
    (await runtime.get<ConsentLogView>(`/v1/profiles/${encodeURIComponent(phone)}/consent-log`)).body.events;
  const subscribe = async (phone: string) => {
    await runtime.text(phone, 'JOIN');
    await runtime.text(phone, 'YES');
  };
  /** Delivers one inbound SMS event, as SNS would, possibly more than once. */
  const deliver = (phone: string, body: string, inboundMessageId = randomUUID()) => {
    const event = snsEvent(
      {
        originationNumber: phone,
        destinationNumber: runtime.originationNumber,
        messageKeyword: '',
        messageBody: body,
        inboundMessageId,
        previousPublishedMessageId: '',
      },
      runtime.clock.now().toISOString(),
    );
    return { event, invoke: () => runtime.lambdas.invoke('inboundSms', event) };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: new Date('2026-06-01T15:00:00Z'), config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers JOIN with the confirmation request and keeps the profile pending', async () => {
    const phone = newPhone();
    const replies = await runtime.text(phone, 'JOIN');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatch(/^Acme Coffee: Reply Y to confirm/);
    expect(await profile(phone)).toMatchObject({
      marketing: 'pending',
      properties: { $source: 'keyword:JOIN' },
    });
  });

  it('subscribes on YES, confirms and publishes SubscriptionConfirmed on the bus', async () => {
    const phone = newPhone();
    await runtime.text(phone, 'JOIN');
    const replies = await runtime.text(phone, 'Yes!');
    expect(replies[0]?.body).toMatch(/subscribed/);
    expect(await profile(phone)).toMatchObject({ marketing: 'subscribed' });
    const events = await runtime.get<{ events: { detail: { phone: string; source: string } }[] }>(
      '/_local/events?type=SubscriptionConfirmed',
    );
    expect(events.body.events.filter((e) => e.detail.phone === phone).map((e) => e.detail.source)).toEqual([
      'keyword:JOIN',
    ]);
  });

  it.each([
    'STOP',
    'stop',
    'Stop.',
    'ARRÊT',
    'CANCEL',
    'END',
    'OPT-OUT',
    'OPT OUT',
    'OPTOUT',
    'QUIT',
    'REMOVE',
    'TD',
    'UNSUBSCRIBE',
    'REVOKE',
    'STOPALL',
    'STOP ALL',
    'Please stop texting me',
    'unsubscribe me',
    'remove me from your list',
    'no more texts',
    'leave me alone',
  ])('opts out on %j with exactly one confirmation and the number on the opt-out list', async (text) => {
    const phone = newPhone();
    await subscribe(phone);
    const replies = await runtime.text(phone, text);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatch(/unsubscribed and will receive no more messages/);
    expect(await profile(phone)).toMatchObject({
      marketing: 'unsubscribed',
      transactional: 'unsubscribed',
      optedOut: true,
    });
    expect(runtime.sms.isOptedOut(phone)).toBe(true);
    expect((await consentLog(phone)).at(-1)).toMatchObject({
      action: 'opted_out',
      applied: true,
      evidence: { messageBody: text },
    });
  });

  it('honours a STOP from any E.164 number, even one in a range the phone metadata does not know yet', async () => {
    // Area code 200 is not assigned: libphonenumber calls the number invalid, but it texted us.
    const phone = '+12005550123';
    expect(parsePhoneNumberFromString(phone)?.isValid()).toBe(false);
    await subscribe(phone);
    const replies = await runtime.text(phone, 'STOP');
    expect(replies.map((r) => r.body)).toEqual([
      expect.stringMatching(/unsubscribed and will receive no more messages/),
    ]);
    expect(runtime.sms.isOptedOut(phone)).toBe(true);
  });

  it('ignores a text whose sender is not an E.164 number', async () => {
    const before = runtime.sms.outbox.length;
    await deliver('12065550100', 'STOP').invoke();
    await deliver('+1 206 555 0100', 'HELP').invoke();
    expect(runtime.sms.outbox.length).toBe(before);
  });

  it('sends no second confirmation to a second STOP', async () => {
    const phone = newPhone();
    await subscribe(phone);
    await runtime.text(phone, 'STOP');
    const replies = await runtime.text(phone, 'STOP');
    expect(replies).toEqual([]);
    expect((await runtime.outbox(phone)).filter((m) => /unsubscribed/.test(m.body))).toHaveLength(1);
  });

  it('answers HELP with brand, support contact and STOP instructions', async () => {
    const phone = newPhone();
    const replies = await runtime.text(phone, 'help');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('Acme Coffee');
    expect(replies[0]?.body).toContain('help@acme-coffee.example');
    expect(replies[0]?.body).toContain('STOP');
  });

  it('answers HELP after an opt-out as far as AWS allows: the opt-out list refuses it, so the confirmation carried the help contact', async () => {
    const phone = newPhone();
    const confirmation = await runtime.text(phone, 'STOP');
    expect(confirmation[0]?.body).toContain('help@acme-coffee.example');
    const replies = await runtime.text(phone, 'HELP');
    expect(replies).toEqual([]);
    expect(runtime.sms.refusals.get('DESTINATION_PHONE_NUMBER_OPTED_OUT')).toBeGreaterThan(0);
  });

  it('resubscribes on START, clears the opt-out list and confirms with the disclosures', async () => {
    const phone = newPhone();
    await subscribe(phone);
    await runtime.text(phone, 'STOP');
    const replies = await runtime.text(phone, 'START');
    expect(replies[0]?.body).toMatch(/resubscribed.*Msg & data rates may apply.*STOP/);
    expect(await profile(phone)).toMatchObject({ marketing: 'subscribed', optedOut: false });
    expect(runtime.sms.isOptedOut(phone)).toBe(false);
  });

  it('defers a START within 30 days of the last removal, records it and texts nothing (AWS would refuse)', async () => {
    const phone = newPhone();
    await subscribe(phone);
    await runtime.text(phone, 'STOP');
    await runtime.text(phone, 'START');
    const secondStop = await runtime.text(phone, 'STOP');
    expect(secondStop[0]?.body).toMatch(/Reply START after \w{3} \d+, \d{4} to resubscribe/);

    const replies = await runtime.text(phone, 'START');
    expect(replies).toEqual([]);
    expect(await profile(phone)).toMatchObject({ optedOut: true, marketing: 'unsubscribed' });
    expect((await consentLog(phone)).at(-1)).toMatchObject({
      action: 'resubscribe_deferred',
      applied: false,
    });

    runtime.clock.advance(31 * 24 * 3600 * 1000);
    const later = await runtime.text(phone, 'START');
    expect(later[0]?.body).toMatch(/resubscribed/);
    expect(await profile(phone)).toMatchObject({ optedOut: false, marketing: 'subscribed' });
  });

  it('sets Paused on PAUSE and clears it on RESUME', async () => {
    const phone = newPhone();
    await subscribe(phone);
    const paused = await runtime.text(phone, 'PAUSE');
    expect(paused[0]?.body).toMatch(/paused/);
    expect((await profile(phone)).properties.Paused).toBe(true);
    await runtime.text(phone, 'resume');
    expect((await profile(phone)).properties).not.toHaveProperty('Paused');
  });

  it('stores other texts and publishes them without replying', async () => {
    const phone = newPhone();
    const replies = await runtime.text(phone, 'Do you have oat milk?');
    expect(replies).toEqual([]);
    const events = await runtime.get<{ events: { detail: { phone: string; body: string } }[] }>(
      '/_local/events?type=InboundMessageReceived',
    );
    expect(events.body.events.filter((e) => e.detail.phone === phone).map((e) => e.detail.body)).toEqual([
      'Do you have oat milk?',
    ]);
  });

  it('shows each step in the consent log, oldest first, with its evidence', async () => {
    const phone = newPhone();
    await subscribe(phone);
    await runtime.text(phone, 'PAUSE');
    await runtime.text(phone, 'STOP');
    await runtime.text(phone, 'START');
    const events = await consentLog(phone);
    expect(events.map((e) => e.action)).toEqual([
      'opt_in_requested',
      'opt_in_confirmed',
      'property_changed',
      'opted_out',
      'resubscribed',
    ]);
    expect(events.map((e) => e.evidence.messageBody)).toEqual(['JOIN', 'YES', 'PAUSE', 'STOP', 'START']);
    expect(events.every((e) => typeof e.evidence.inboundMessageId === 'string')).toBe(true);
    expect(events[1]).toMatchObject({
      previous: { marketing: 'pending' },
      next: { marketing: 'subscribed' },
    });
  });

  describe('at-least-once delivery', () => {
    it('changes and sends nothing when SNS delivers the same STOP twice', async () => {
      const phone = newPhone();
      await subscribe(phone);
      const stop = deliver(phone, 'STOP');
      await stop.invoke();
      await stop.invoke();
      expect((await runtime.outbox(phone)).filter((m) => /unsubscribed/.test(m.body))).toHaveLength(1);
      expect((await consentLog(phone)).filter((e) => e.action === 'opted_out')).toHaveLength(1);
    });

    it('finishes a STOP whose confirmation failed when SNS retries it, without a second event', async () => {
      const phone = newPhone();
      await subscribe(phone);
      const stop = deliver(phone, 'STOP');
      runtime.smsFaults.serverErrorRate = 1;
      await expect(stop.invoke()).rejects.toThrow();
      runtime.smsFaults.serverErrorRate = 0;
      expect(await profile(phone)).toMatchObject({ optedOut: true });

      await stop.invoke();
      expect((await runtime.outbox(phone)).filter((m) => /unsubscribed/.test(m.body))).toHaveLength(1);
      expect((await consentLog(phone)).filter((e) => e.action === 'opted_out')).toHaveLength(1);
      expect(runtime.sms.isOptedOut(phone)).toBe(true);
    });

    it('answers a YES whose reply was throttled when Lambda retries the SNS invocation, not never', async () => {
      const phone = newPhone();
      await runtime.text(phone, 'JOIN');
      // End User Messaging refuses every attempt of the first invocation (the SDK's retries included).
      runtime.smsFaults.serverErrorRate = 1;
      const replies = await runtime.text(phone, 'YES');
      runtime.smsFaults.serverErrorRate = 0;
      expect(replies).toEqual([]);
      expect(await profile(phone)).toMatchObject({ marketing: 'subscribed' });

      await runtime.settle();
      const confirmations = (await runtime.outbox(phone)).filter((m) => /subscribed to/.test(m.body));
      expect(confirmations).toHaveLength(1);
      expect((await consentLog(phone)).filter((e) => e.action === 'opt_in_confirmed')).toHaveLength(1);
      expect(runtime.inboundInvocations.failures).toEqual([]);
    });

    it('answers a duplicated HELP once', async () => {
      const phone = newPhone();
      const help = deliver(phone, 'HELP');
      await help.invoke();
      await help.invoke();
      expect(await runtime.outbox(phone)).toHaveLength(1);
    });

    it('lets a late-delivered older JOIN not undo a newer STOP', async () => {
      const phone = newPhone();
      await subscribe(phone);
      const lateJoin = deliver(phone, 'JOIN');
      runtime.clock.advance(60_000);
      await runtime.text(phone, 'STOP');
      await lateJoin.invoke();
      expect(await profile(phone)).toMatchObject({ optedOut: true, marketing: 'unsubscribed' });
      const lateEvents = (await consentLog(phone)).filter(
        (e) => e.action === 'opt_in_requested' && !e.applied,
      );
      expect(lateEvents).toHaveLength(1);
    });
  });
});

describe('keyword replies on a number that takes one text a second', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: new Date('2026-06-01T15:00:00Z'),
      config: KEYWORDS_ONLY,
      messagesPerSecond: 1,
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers PAUSE, RESUME and PAUSE texted one after another, each in its own invocation', async () => {
    const phone = newPhone();
    await runtime.text(phone, 'JOIN');
    await runtime.text(phone, 'YES');
    // Each reply finds the second's one text taken by the reply before it: the SDK waits out the
    // throttle. Left to the invocation's retry, a reply would find its change superseded by the next
    // keyword and never go.
    const bodies = async (text: string) => (await runtime.text(phone, text)).map((m) => m.body);
    expect(await bodies('PAUSE')).toEqual([expect.stringMatching(/You have paused marketing texts/)]);
    expect(await bodies('RESUME')).toEqual([expect.stringMatching(/Welcome back!/)]);
    expect(await bodies('PAUSE')).toEqual([expect.stringMatching(/You have paused marketing texts/)]);
    expect(runtime.sms.refusals.get('ThrottlingException')).toBeGreaterThan(0);
    expect(runtime.inboundInvocations.failures).toEqual([]);
  }, 30_000);
});
