/**
 * Conversations on the local runtime: a free text opens one, a reply goes through send() and
 * reaches the phone, an agent or the API closes it, a STOP closes it and opts out, campaigns wait
 * while it is open, and it closes by itself after `conversations.autoCloseHours` of silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

interface Conversation {
  phone: string;
  state: 'open' | 'closed';
  openedAt: string;
  lastMessageAt: string;
  lastInboundAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  closesAt: string | null;
}
interface Thread {
  conversation: Conversation;
  messages: { messageId: string; direction: string; body: string; status: string; agent: string | null }[];
}
interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

// 11:00 in New York.
const START = new Date('2026-11-12T16:00:00Z');
const HOUR = 3600_000;

describe('conversations', () => {
  let runtime: TestRuntime;
  const path = (phone: string) => `/v1/conversations/${encodeURIComponent(phone)}`;
  const thread = (phone: string) => runtime.get<Thread & ErrorBody>(path(phone));
  const openList = () => runtime.get<{ conversations: Conversation[] }>('/v1/conversations?state=open');
  const reply = (phone: string, body: string, key: string, agent = 'ada') =>
    runtime.post<{ status: string; messageId: string; conversation: Conversation } & ErrorBody>(
      `${path(phone)}/replies`,
      { body, agent, idempotencyKey: key },
    );
  const events = async (type: string, phone: string) =>
    (
      await runtime.get<{ events: { detail: Record<string, unknown> }[] }>(`/_local/events?type=${type}`)
    ).body.events
      .map((event) => event.detail)
      .filter((detail) => detail.phone === phone);

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('opens a conversation on a free text, lists it and publishes the message', async () => {
    const phone = '+12125550301';
    await runtime.text(phone, 'where is my order?');

    const read = await thread(phone);
    expect(read.status).toBe(200);
    expect(read.body.conversation).toMatchObject({ phone, state: 'open', closedAt: null });
    expect(read.body.messages).toMatchObject([{ direction: 'inbound', body: 'where is my order?' }]);
    expect((await openList()).body.conversations.map((c) => c.phone)).toContain(phone);
    expect(await events('ConversationMessage', phone)).toMatchObject([
      {
        direction: 'inbound',
        body: 'where is my order?',
        conversation: { opened: true, path: '/v1/conversations/12125550301' },
      },
    ]);
  });

  it('sends a reply to the phone once per idempotency key, in the thread with its agent', async () => {
    const phone = '+12125550302';
    await runtime.text(phone, 'do you ship to Canada?');

    const first = await reply(phone, 'Yes, we ship to Canada in 5-7 days.', 'reply-canada-1');
    const again = await reply(phone, 'Yes, we ship to Canada in 5-7 days.', 'reply-canada-1');

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'sent', conversation: { state: 'open' } });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    const delivered = (await runtime.outbox(phone)).filter((m) => m.body.includes('ship to Canada'));
    expect(delivered).toHaveLength(1);
    expect((await thread(phone)).body.messages).toMatchObject([
      { direction: 'inbound', body: 'do you ship to Canada?', agent: null },
      { direction: 'outbound', agent: 'ada' },
    ]);
    // The retry publishes again (it may finish what a crash left undone): the same event, by its id.
    const published = await events('ConversationMessage', phone);
    const byId = new Map(published.map((detail) => [detail.eventId, detail]));
    expect([...byId.values()]).toMatchObject([
      { direction: 'inbound' },
      { direction: 'outbound', agent: 'ada', conversation: { opened: false } },
    ]);
  });

  it('closes on request, publishes the close once, and a reply reopens it', async () => {
    const phone = '+12125550303';
    await runtime.text(phone, 'my order never came');

    const closed = await runtime.post<Conversation>(`${path(phone)}/close`, { agent: 'ada' });
    const closedAgain = await runtime.post<Conversation>(`${path(phone)}/close`, {});

    expect(closed.body).toMatchObject({ state: 'closed', closedBy: 'agent' });
    expect(closedAgain.body).toMatchObject({ state: 'closed', closedBy: 'agent' });
    expect((await openList()).body.conversations.map((c) => c.phone)).not.toContain(phone);
    expect(await events('ConversationClosed', phone)).toMatchObject([{ closedBy: 'agent', agent: 'ada' }]);

    const reopened = await reply(phone, 'Sorry for the wait: a new one left today.', 'reply-reopen-1');
    expect(reopened.body.conversation).toMatchObject({ state: 'open', closedBy: null });
    expect((await openList()).body.conversations.map((c) => c.phone)).toContain(phone);
  });

  it('closes on STOP, shows the STOP in the thread, opts out and refuses replies', async () => {
    const phone = '+12125550304';
    await subscribeByKeyword(runtime, phone);
    await runtime.text(phone, 'this is the third time I ask');
    const replies = await runtime.text(phone, 'STOP');

    expect(replies).toHaveLength(1);
    const read = await thread(phone);
    expect(read.body.conversation).toMatchObject({ state: 'closed', closedBy: 'opt_out' });
    expect(read.body.messages.at(-1)).toMatchObject({ direction: 'inbound', body: 'STOP' });
    expect(await events('ConversationClosed', phone)).toMatchObject([{ closedBy: 'opt_out' }]);
    const refused = await reply(phone, 'Sorry to see you go', 'reply-after-stop');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('consent_required');
    expect(await runtime.outbox(phone)).not.toContainEqual(
      expect.objectContaining({ body: expect.stringContaining('Sorry to see you go') }),
    );
  });

  it('skips a campaign for a number whose conversation is open, with conversation_open', async () => {
    const phone = '+12125550305';
    const other = '+12125550306';
    await subscribeByKeyword(runtime, phone);
    await subscribeByKeyword(runtime, other);
    await runtime.text(phone, 'my grinder arrived broken');

    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Winter blend',
      body: 'The winter blend is here',
      segment: { phones: [phone, other] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () =>
        (await runtime.get<{ counters: { targeted: number } }>(`/v1/campaigns/${created.body.campaignId}`))
          .body.counters.targeted === 2,
      10_000,
      'campaign dispatched',
    );
    await runtime.settle();

    const history = await runtime.get<{
      messages: { campaignId: string | null; status: string; reason: string }[];
    }>(`/v1/profiles/${encodeURIComponent(phone)}/messages`);
    expect(history.body.messages.find((m) => m.campaignId === created.body.campaignId)).toMatchObject({
      status: 'skipped',
      reason: 'conversation_open',
    });
    expect((await runtime.outbox(other)).map((m) => m.body).join('\n')).toContain('winter blend');
  });

  it('answers 404 for a number that never texted and 400 naming a bad field', async () => {
    const never = await reply('+12125550399', 'Hello', 'reply-never-1');
    expect(never.status).toBe(404);
    const blank = await runtime.post<ErrorBody>(`${path('+12125550301')}/replies`, {
      body: '   ',
      idempotencyKey: 'reply-blank-1',
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.field).toBe('body');
    const state = await runtime.get<ErrorBody>('/v1/conversations?state=closed');
    expect(state.status).toBe(400);
    expect(state.body.error.field).toBe('state');
  });

  it('limits the replies of one agent per minute', async () => {
    const phone = '+12125550307';
    await runtime.text(phone, 'hello?');
    const limit = runtime.config.program.conversations.repliesPerAgentPerMinute;
    const answers = [];
    for (let i = 0; i <= limit; i++)
      answers.push(await reply(phone, `answer ${i}`, `reply-burst-${i}`, 'bot'));
    expect(answers.slice(0, limit).every((a) => a.status === 202)).toBe(true);
    expect(answers.at(-1)?.status).toBe(429);
    expect(answers.at(-1)?.body.error.field).toBe('agent');
  });

  it('holds a late reply by quiet hours only outside the reply window; state law always', async () => {
    const newYork = '+12125550308';
    const florida = '+13055550308';
    // 21:30 in New York and Miami: quiet hours began at 21:00, Florida's calling hours end at 20:00.
    runtime.clock.set(new Date('2026-11-13T02:30:00Z'));
    await runtime.text(newYork, 'are you open tomorrow?');
    await runtime.text(florida, 'are you open tomorrow?');

    expect((await reply(newYork, 'Yes, from 7am.', 'reply-late-ny')).status).toBe(202);
    const held = await reply(florida, 'Yes, from 7am.', 'reply-late-fl');
    expect(held.status).toBe(409);
    expect(held.body.error.code).toBe('quiet_hours');

    // A day later, outside the 24-hour window: quiet hours hold the New York reply too.
    runtime.clock.advance(25 * HOUR);
    const late = await reply(newYork, 'Did that answer your question?', 'reply-late-ny-2');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('quiet_hours');
  });

  it('counts a conversation closed after autoCloseHours of silence', async () => {
    const phone = '+12125550309';
    await runtime.text(phone, 'one more question');
    const hours = runtime.config.program.conversations.autoCloseHours;

    runtime.clock.advance((hours + 1) * HOUR);

    expect((await openList()).body.conversations.map((c) => c.phone)).not.toContain(phone);
    const { conversation } = (await thread(phone)).body;
    expect(conversation).toMatchObject({ state: 'closed', closedBy: 'inactivity' });

    // The sweep (every 15 minutes on the virtual clock) makes the close an event, once, at the time
    // the conversation closed by itself.
    runtime.clock.advance(15 * 60_000);
    await waitFor(async () => (await events('ConversationClosed', phone)).length > 0, 10_000, 'the sweep');
    runtime.clock.advance(15 * 60_000);
    await runtime.settle();
    expect(await events('ConversationClosed', phone)).toEqual([
      expect.objectContaining({ closedBy: 'inactivity', closedAt: conversation.closedAt }),
    ]);
    expect((await thread(phone)).body.conversation).toMatchObject({ closedAt: conversation.closedAt });
  });
});
