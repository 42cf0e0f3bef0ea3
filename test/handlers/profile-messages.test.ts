/**
 * GET /v1/profiles/{phone}/messages: what support reads to answer "why didn't I get it?" — every
 * send and skip of a number, newest first, with the reason, class and campaign or flow, in pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { type MessageRecord } from '../../lambdas/domain/stores/message';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

interface HistoryMessage {
  messageId: string;
  at: string;
  direction: string;
  status: string;
  reason: string | null;
  messageClass: string | null;
  campaignId: string | null;
  flowId: string | null;
  body: string;
}
interface History {
  phone: string;
  messages: HistoryMessage[];
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

// 11:00 in New York.
const START = new Date('2026-11-12T16:00:00Z');

describe('a number’s messages', () => {
  let runtime: TestRuntime;
  const history = (phone: string, query = '') =>
    runtime.get<History & ErrorBody>(`/v1/profiles/${encodeURIComponent(phone)}/messages${query}`);

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('shows a campaign’s send and the next campaign’s smart-sending skip, newest first', async () => {
    const phone = '+12125550142';
    await subscribeByKeyword(runtime, phone);
    const campaign = async (name: string, smartSending: boolean) => {
      const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
        name,
        body: `${name} deals`,
        segment: { phones: [phone] },
        sendAt: runtime.clock.now().toISOString(),
        smartSending,
      });
      runtime.clock.advance(2 * 60_000);
      await waitFor(
        async () =>
          (
            await runtime.get<{ counters: { pending: number; targeted: number } }>(
              `/v1/campaigns/${created.body.campaignId}`,
            )
          ).body.counters.targeted === 1,
        10_000,
        `${name} dispatched`,
      );
      await runtime.settle();
      return created.body.campaignId;
    };
    // The first goes whatever was texted lately (the confirmation a minute ago); the second is
    // skipped for it.
    const first = await campaign('Monday', false);
    const second = await campaign('Tuesday', true);

    const result = await history(phone);
    expect(result.status).toBe(200);
    const [skip, sent, ...earlier] = result.body.messages;
    expect(skip).toMatchObject({
      direction: 'outbound',
      status: 'skipped',
      reason: 'smart_sending',
      messageClass: 'marketing',
      campaignId: second,
      flowId: null,
    });
    expect(sent).toMatchObject({
      direction: 'outbound',
      messageClass: 'marketing',
      campaignId: first,
      reason: null,
    });
    expect(['sent', 'delivered']).toContain(sent?.status);
    // Before them: the replies to JOIN and YES (the keywords themselves are in the consent log).
    expect(earlier.map((m) => [m.direction, m.messageClass])).toEqual([
      ['outbound', 'compliance'],
      ['outbound', 'compliance'],
    ]);
    const times = result.body.messages.map((m) => m.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(result.body.nextCursor).toBeNull();
  });

  it('pages with the cursor: every message once, newest first, ties at a page’s edge included', async () => {
    const phone = '+12125550143';
    const store = new DynamoMessageStore(runtime.dynamo.tableNames.messages);
    const record = (i: number, at: string): MessageRecord => ({
      messageId: `seeded#${String(i).padStart(2, '0')}`,
      phone,
      at,
      direction: 'outbound',
      status: 'skipped',
      reason: 'paused',
      messageClass: 'marketing',
      body: `text ${i}`,
      ...(i === 0 ? { flowId: 'abandonedCart', reason: 'order_placed' } : {}),
      expiresAt: 4_102_444_800,
    });
    // 25 messages a minute apart, but 9, 10 and 11 at the same instant: one page ends among them.
    const records = Array.from({ length: 25 }, (_, i) => {
      const minute = i >= 9 && i <= 11 ? 9 : i;
      return record(i, new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString());
    });
    for (const r of records) await store.putIfAbsent(r);

    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await history(phone, query);
      expect(page.status).toBe(200);
      pages.push(page.body.messages.length);
      seen.push(...page.body.messages.map((m) => m.messageId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([7, 7, 7, 4]);
    expect(new Set(seen).size).toBe(25);
    const expected = [...records]
      .sort((a, b) => b.at.localeCompare(a.at) || b.messageId.localeCompare(a.messageId))
      .map((r) => r.at);
    expect(seen.map((id) => records.find((r) => r.messageId === id)?.at)).toEqual(expected);

    // 20 by default; the last page says it is the last.
    const first = await history(phone);
    expect(first.body.messages).toHaveLength(20);
    const rest = await history(phone, `?cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
    expect(rest.body).toMatchObject({ nextCursor: null });
    expect(rest.body.messages).toHaveLength(5);
    expect(rest.body.messages.at(-1)).toMatchObject({
      messageId: 'seeded#00',
      status: 'skipped',
      reason: 'order_placed',
      flowId: 'abandonedCart',
      campaignId: null,
    });
  });

  it('answers a number with no messages with 200 and an empty list', async () => {
    const result = await history('+12125550199');
    expect(result).toEqual({
      status: 200,
      body: { phone: '+12125550199', messages: [], nextCursor: null },
    });
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?limit=', 'limit'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?cursor=%25%25', 'cursor'],
    [
      `?cursor=${Buffer.from('{"p":"+12125550143","a":"yesterday","m":"x"}').toString('base64url')}`,
      'cursor',
    ],
  ])('refuses %s naming %s', async (query, field) => {
    const result = await history('+12125550143', query);
    expect(result.status).toBe(400);
    expect(result.body.error.field).toBe(field);
  });

  it('refuses a cursor given for another number', async () => {
    const page = await history('+12125550143', '?limit=1');
    const cursor = page.body.nextCursor;
    expect(cursor).not.toBeNull();
    const other = await history('+12125550142', `?cursor=${encodeURIComponent(cursor ?? '')}`);
    expect(other.status).toBe(400);
    expect(other.body.error.field).toBe('cursor');
  });

  it('refuses a malformed number', async () => {
    const result = await history('12');
    expect(result.status).toBe(400);
    expect(result.body.error.field).toBe('phone');
  });
});
