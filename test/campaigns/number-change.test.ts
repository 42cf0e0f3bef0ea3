/**
 * Changing the sending number in the local runtime: the final message from the old number a week
 * before the switch, the switch, the first message from the new number; opt-outs honoured, each
 * subscriber texted once per message, replies from the number the subscriber texted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { optlineInProcess } from '../support/optline-cli';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-06-01T17:00:00Z'); // 10:00 in Seattle
const DAY = 86_400_000;
const NEW_NUMBER = '+18885550199';

interface Progress {
  changeId: string;
  stage: string;
  state: string;
  finalAt: string;
  messages: {
    kind: string;
    from: string;
    sent: number;
    optOuts: number;
    optOutRate: number | null;
    baselineOptOutRate: number;
  }[];
}

describe('number change program', () => {
  let runtime: TestRuntime;
  let subscribers: string[];
  let optedOut: string[];
  let change: Progress;
  const progress = async () => (await runtime.get<Progress>(`/v1/number-changes/${change.changeId}`)).body;
  const textsFrom = (from: string, body: RegExp) =>
    runtime.sms.outbox.filter((m) => m.from === from && body.test(m.body));

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      messagesPerSecond: 200,
      config: {
        ...KEYWORDS_ONLY,
        // The functions may send from the new number only once it is granted, as in AWS.
        origination: {
          kind: 'provision',
          numberType: 'SIMULATOR',
          additionalIdentityArns: [
            `arn:aws:sms-voice:us-east-1:000000000000:phone-number/phone-${NEW_NUMBER.slice(1)}`,
          ],
        },
      },
    });
    subscribers = phoneNumbers('206', 30);
    optedOut = phoneNumbers('206', 2, 100);
    await seedProfiles(runtime, [
      ...subscribers.map((p) => seedProfile(p, 'eligible', START)),
      ...optedOut.map((p) => seedProfile(p, 'opted_out', START)),
    ]);
    // The new number is registered in the account (End User Messaging owns it).
    runtime.sms.addNumber(NEW_NUMBER);
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it.each([
    [
      { finalMessage: '{{ brand }}: we are moving soon. Reply HELP for help, STOP to opt out.' },
      'finalMessage',
      'the new number',
    ],
    [
      { finalMessage: '{{ brand }}: new number {{ new_number }} 🎉 Reply HELP for help, STOP to opt out.' },
      'finalMessage',
      'no emoji',
    ],
    [
      { firstMessage: '{{ brand }}: hello from {{ program_name }}! Reply STOP to opt out.' },
      'firstMessage',
      'HELP instructions',
    ],
    [
      { firstMessage: '{{ brand }}: {{ program_name }}. Reply HELP for help, STOP to opt out.' },
      'firstMessage',
      'Msg & data rates may apply',
    ],
  ])('refuses a template missing a required element (%#)', async (templates, field, element) => {
    const result = await runtime.post<{ error: { field: string; message: string } }>('/v1/number-changes', {
      newOriginationIdentity: NEW_NUMBER,
      newPhoneNumber: NEW_NUMBER,
      switchAt: new Date(START.getTime() + 8 * DAY).toISOString(),
      ...templates,
    });
    expect(result.status).toBe(400);
    expect(result.body.error.field).toBe(field);
    expect(result.body.error.message).toContain(element);
  });

  it('schedules the final message about a week before the switch', async () => {
    const created = await runtime.post<Progress>('/v1/number-changes', {
      newOriginationIdentity: NEW_NUMBER,
      newPhoneNumber: NEW_NUMBER,
      switchAt: new Date(START.getTime() + 8 * DAY).toISOString(),
    });
    expect(created.status).toBe(201);
    change = created.body;
    expect(change.finalAt).toBe(new Date(START.getTime() + DAY).toISOString());
  });

  it('sends the final message from the old number, naming the new one, to exactly the subscribers', async () => {
    runtime.clock.advance(DAY + 2 * 60_000);
    await waitFor(
      () => textsFrom(runtime.originationNumber, /moving/).length === subscribers.length,
      15_000,
      'the final message',
    );
    await runtime.settle();
    const finals = textsFrom(runtime.originationNumber, /moving/);
    expect(finals.map((m) => m.to).sort()).toEqual([...subscribers].sort());
    expect(finals[0]?.body).toContain('(888) 555-0199');
    expect(finals[0]?.body).toMatch(/HELP.*STOP/);
    expect((await progress()).stage).toBe('final_message_sent');
  });

  it('counts an opt-out after the final message against it', async () => {
    await runtime.text(subscribers[0]!, 'STOP');
    const final = (await progress()).messages.find((m) => m.kind === 'final');
    expect(final).toMatchObject({ optOuts: 1, sent: 30, baselineOptOutRate: 0.025 });
    expect(final?.optOutRate).toBeCloseTo(1 / 30, 4);
  });

  it('switches at switchAt and sends the first message from the new number, skipping the opted out', async () => {
    runtime.clock.set(new Date(START.getTime() + 8 * DAY + 2 * 60_000));
    await waitFor(
      () => textsFrom(NEW_NUMBER, /new number/).length === subscribers.length - 1,
      15_000,
      'the first message',
    );
    await runtime.settle();
    const firsts = textsFrom(NEW_NUMBER, /new number/);
    expect(firsts.map((m) => m.to).sort()).toEqual(subscribers.slice(1).sort());
    expect(firsts[0]?.body).toMatch(
      /Acme Coffee Texts.*Up to 6 msgs\/mo.*Msg & data rates may apply.*HELP.*STOP/,
    );
    const view = await progress();
    expect(view).toMatchObject({ state: 'switched', stage: 'first_message_sent' });
  });

  it('answers from the old number when a subscriber texts it after the switch, and from the new one otherwise', async () => {
    const subscriber = subscribers[5]!;
    await runtime.post('/_local/inbound', { from: subscriber, body: 'HELP', to: runtime.originationNumber });
    await runtime.post('/_local/inbound', { from: subscriber, body: 'HELP', to: NEW_NUMBER });
    const helps = (await runtime.outbox(subscriber)).filter((m) => /help at/.test(m.body)).map((m) => m.from);
    expect(helps).toEqual([runtime.originationNumber, NEW_NUMBER]);
  });

  it('sends everything else from the new number after the switch', async () => {
    const newcomer = '+12065559876';
    await runtime.post('/_local/inbound', { from: newcomer, body: 'JOIN', to: NEW_NUMBER });
    expect((await runtime.outbox(newcomer)).map((m) => m.from)).toEqual([NEW_NUMBER]);
  });

  it('reports progress and opt-out rates through the CLI', async () => {
    // Through the CLI's main in this process (test/support/optline-cli.ts).
    const { code, stdout, stderr } = await optlineInProcess([
      'number-change',
      'status',
      change.changeId,
      '--api',
      runtime.url,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('+18885550100 → +18885550199');
    expect(stdout).toMatch(/final\s+from \+18885550100 .*30 sent, opt-out rate 3\.3% \(baseline 2\.5%\)/);
    const bad = await optlineInProcess(['number-change', '--switch-at', 'tomorrow', '--api', runtime.url]);
    expect(bad).toMatchObject({ code: 2 });
  });
});
