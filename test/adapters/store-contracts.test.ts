/**
 * The in-memory stores and SMS gateway that service tests use behave as the real adapters do: each
 * contract runs the same assertions against the fake and against the adapter on its local peer
 * (dynalite, the End User Messaging emulator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoActivityStore } from '../../lambdas/adapters/activity-store';
import { DynamoFlowStatsStore } from '../../lambdas/adapters/flow-stats-store';
import { DynamoLinkStore } from '../../lambdas/adapters/link-store';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { DynamoNumberChangeStore } from '../../lambdas/adapters/number-change-store';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import type { ConsentState } from '../../lambdas/domain/consent';
import { marketingShardOf, type ProfileStore } from '../../lambdas/domain/stores/profile';
import { EndUserMessagingGateway } from '../../lambdas/adapters/sms-gateway';
import type { SmsGateway } from '../../lambdas/domain/ports/sms-gateway';
import { OptedOutAtCarrierError } from '../../lambdas/domain/sms-errors';
import type { MessageRecord, MessageStore } from '../../lambdas/domain/stores/message';
import type { LinkRecord, LinkStore } from '../../lambdas/domain/stores/link';
import type { FlowStatsStore } from '../../lambdas/domain/stores/flow-stats';
import type { ActivityRecord, ActivityStore } from '../../lambdas/domain/stores/activity';
import type { NumberChange, NumberChangeStore } from '../../lambdas/domain/stores/number-change';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { InMemoryActivityStore } from '../support/fakes/activity-store';
import { InMemoryFlowStatsStore } from '../support/fakes/flow-stats-store';
import { InMemoryLinkStore } from '../support/fakes/link-store';
import { InMemoryMessageStore } from '../support/fakes/message-store';
import { InMemoryNumberChangeStore } from '../support/fakes/number-change-store';
import { InMemoryProfileStore } from '../support/fakes/profile-store';
import { InMemorySmsGateway } from '../support/fakes/sms-gateway';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

let runtime: TestRuntime | undefined;
/** The DynamoDB tables, started once for every contract's DynamoDB half. */
async function started(): Promise<TestRuntime> {
  runtime ??= await startTestRuntime({ config: KEYWORDS_ONLY });
  return runtime;
}
async function tables() {
  return (await started()).dynamo.tableNames;
}
afterAll(async () => {
  await runtime?.stop();
});

const link = (code: string, clicks?: number): LinkRecord => ({
  code,
  url: 'https://shop.example/sale',
  phone: '+12065550100',
  messageId: `msg-${code}`,
  campaignId: 'cmp_0123456789',
  createdAt: '2026-11-20T12:00:00.000Z',
  expiresAt: 4_102_444_800,
  ...(clicks === undefined ? {} : { clicks }),
});

function linkStoreContract(name: string, make: () => Promise<LinkStore>) {
  describe(`link store: ${name}`, () => {
    let store: LinkStore;
    beforeAll(async () => {
      store = await make();
    });

    it('finds each link claimed, and nothing for an unknown code', async () => {
      const links = Array.from({ length: 30 }, (_, i) => link(`${name.slice(0, 3)}b${i}`));
      for (const each of links) expect(await store.claim(each)).toBe(true);
      expect(await store.get(links[29]!.code)).toEqual(links[29]);
      expect(await store.get(links[0]!.code)).toEqual(links[0]);
      expect(await store.get(`${name.slice(0, 3)}-unknown`)).toBeUndefined();
    });

    it('counts clicks, answering the count before each', async () => {
      const code = `${name.slice(0, 3)}click`;
      await store.claim(link(code));
      expect(await store.countClick(code, '2026-11-20T13:00:00.000Z')).toBe(0);
      expect(await store.countClick(code, '2026-11-20T13:01:00.000Z')).toBe(1);
      expect(await store.get(code)).toMatchObject({ clicks: 2 });
    });

    it('refuses a code another link holds, and gives a retried send its own link again', async () => {
      const code = `${name.slice(0, 3)}taken`;
      expect(await store.claim(link(code))).toBe(true);
      expect(await store.claim(link(code))).toBe(true);
      expect(await store.claim({ ...link(code), messageId: 'msg-other' })).toBe(false);
      expect(await store.get(code)).toEqual(link(code));
    });

    it('refuses a click on an unknown code and creates nothing', async () => {
      const code = `${name.slice(0, 3)}none`;
      await expect(store.countClick(code, '2026-11-20T13:00:00.000Z')).rejects.toThrow();
      expect(await store.get(code)).toBeUndefined();
    });
  });
}

const change = (changeId: string): NumberChange => ({
  changeId,
  oldIdentity: 'phone-old',
  oldPhoneNumber: '+12065550001',
  newIdentity: 'phone-new',
  newPhoneNumber: '+12065550002',
  switchAt: '2026-12-01T15:00:00.000Z',
  finalAt: '2026-11-30T15:00:00.000Z',
  finalCampaignId: 'cmp_final000001',
  firstCampaignId: 'cmp_first000001',
  state: 'scheduled',
  createdAt: '2026-11-20T12:00:00.000Z',
});

function numberChangeStoreContract(name: string, make: () => Promise<NumberChangeStore>) {
  describe(`number-change store: ${name}`, () => {
    let store: NumberChangeStore;
    beforeAll(async () => {
      store = await make();
    });

    it('keeps a change as put, and nothing for an unknown id', async () => {
      await store.put(change('nch_contract0001'));
      expect(await store.get('nch_contract0001')).toEqual(change('nch_contract0001'));
      expect(await store.get('nch_contract9999')).toBeUndefined();
    });

    it('marks a change switched once, keeping the first switch time', async () => {
      await store.put(change('nch_contract0002'));
      await store.markSwitched('nch_contract0002', '2026-12-01T15:00:05.000Z');
      await store.markSwitched('nch_contract0002', '2026-12-01T15:09:00.000Z');
      expect(await store.get('nch_contract0002')).toMatchObject({
        state: 'switched',
        switchedAt: '2026-12-01T15:00:05.000Z',
      });
    });

    it('refuses to switch an unknown change and creates nothing', async () => {
      await expect(store.markSwitched('nch_contract0003', '2026-12-01T15:00:00.000Z')).rejects.toThrow();
      expect(await store.get('nch_contract0003')).toBeUndefined();
    });

    it('names no current identity before a change, then the one set last', async () => {
      expect(await store.current()).toBeUndefined();
      const first = {
        identity: 'phone-a',
        phoneNumber: '+12065550003',
        since: '2026-12-01T15:00:00.000Z',
        byChange: 'nch_a',
      };
      const second = {
        identity: 'phone-b',
        phoneNumber: '+12065550004',
        since: '2026-12-02T15:00:00.000Z',
        byChange: 'nch_b',
      };
      await store.setCurrent(first);
      await store.setCurrent(second);
      expect(await store.current()).toMatchObject(second);
    });
  });
}

function flowStatsStoreContract(name: string, make: () => Promise<FlowStatsStore>) {
  describe(`flow stats store: ${name}`, () => {
    let store: FlowStatsStore;
    beforeAll(async () => {
      store = await make();
    });

    it('has no counters for a flow that counted nothing, then adds up each key', async () => {
      expect(await store.get('quietFlow')).toEqual({});
      await store.add('busyFlow', { sent: 1, 'copy/a b/sent': 1 });
      await store.add('busyFlow', { sent: 2, revenue: 12.5, 'copy/a b/sent': 0 });
      await Promise.all([store.add('busyFlow', { clicks: 1 }), store.add('busyFlow', { clicks: 1 })]);
      expect(await store.get('busyFlow')).toEqual({ sent: 3, revenue: 12.5, clicks: 2, 'copy/a b/sent': 1 });
      expect(await store.get('quietFlow')).toEqual({});
    });

    it('claims a key once per flow', async () => {
      expect(await store.claim('busyFlow', 'entered#exec-1#copy', 1_900_000_000)).toBe(true);
      expect(await store.claim('busyFlow', 'entered#exec-1#copy', 1_900_000_000)).toBe(false);
      expect(await store.claim('otherFlow', 'entered#exec-1#copy', 1_900_000_000)).toBe(true);
      // Claims are not counters.
      expect(await store.get('busyFlow')).not.toHaveProperty('expiresAt');
    });
  });
}

function activityStoreContract(name: string, make: () => Promise<ActivityStore>) {
  describe(`activity store: ${name}`, () => {
    let store: ActivityStore;
    beforeAll(async () => {
      store = await make();
    });
    const order = (phone: string, orderId: string, at: string, note = ''): ActivityRecord => ({
      phone,
      activityKey: `order#${orderId}`,
      type: 'OrderPlaced',
      at,
      detail: { orderId, note },
      aggregated: false,
      expiresAt: 4_102_444_800,
    });

    it('keeps a record once, answering the first with a repeat', async () => {
      const first = order('+12065550150', 'A-1', '2026-11-01T10:00:00.000Z');
      expect(await store.putIfAbsent(first)).toEqual({ created: true, record: first });
      const repeat = await store.putIfAbsent({ ...first, at: '2026-11-02T10:00:00.000Z' });
      expect(repeat).toEqual({ created: false, record: first });
      await store.markAggregated(first.phone, first.activityKey);
      expect((await store.putIfAbsent(first)).record.aggregated).toBe(true);
    });

    it('lists one type since a time, newest first, every page of it', async () => {
      const phone = '+12065550151';
      // Four orders of 350 KB: more than the 1 MB one Query page holds.
      const note = 'x'.repeat(350_000);
      const orders = ['B-1', 'B-2', 'B-3', 'B-4'].map((id, i) =>
        order(phone, id, new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), note),
      );
      for (const record of orders) await store.putIfAbsent(record);
      await store.putIfAbsent({
        ...order(phone, 'c-1', '2026-06-01T00:00:00.000Z'),
        activityKey: 'cart#c-1',
      });
      await store.putIfAbsent(order('+12065550152', 'D-1', '2026-06-01T00:00:00.000Z'));

      const all = await store.listSince(phone, 'order#', '');
      expect(all.map((r) => r.activityKey)).toEqual(['order#B-4', 'order#B-3', 'order#B-2', 'order#B-1']);
      expect(all.every((r) => r.detail.note === note)).toBe(true);
      const since = await store.listSince(phone, 'order#', orders[2]!.at);
      expect(since.map((r) => r.activityKey)).toEqual(['order#B-4', 'order#B-3']);
    });
  });
}

activityStoreContract('in memory', async () => new InMemoryActivityStore());
activityStoreContract('DynamoDB', async () => new DynamoActivityStore((await tables()).activity));
flowStatsStoreContract('in memory', async () => new InMemoryFlowStatsStore());
flowStatsStoreContract('DynamoDB', async () => new DynamoFlowStatsStore((await tables()).flowStats));
linkStoreContract('in memory', async () => new InMemoryLinkStore());
linkStoreContract('DynamoDB', async () => new DynamoLinkStore((await tables()).links));
numberChangeStoreContract('in memory', async () => new InMemoryNumberChangeStore());
numberChangeStoreContract(
  'DynamoDB',
  async () => new DynamoNumberChangeStore((await tables()).numberChanges),
);

const claim = (messageId: string, phone: string, at: string): MessageRecord => ({
  messageId,
  phone,
  at,
  direction: 'outbound',
  status: 'sending',
  body: `text ${messageId}`,
  messageClass: 'marketing',
  expiresAt: 4_102_444_800,
});

function messageStoreContract(name: string, make: () => Promise<MessageStore>) {
  describe(`message store: ${name}`, () => {
    let store: MessageStore;
    const phone = name === 'in memory' ? '+12065550201' : '+12065550202';
    const at = (minute: number) => `2026-11-20T12:${String(minute).padStart(2, '0')}:00.000Z`;
    beforeAll(async () => {
      store = await make();
    });

    it('claims an id once, and finds nothing for an unknown one', async () => {
      expect(await store.putIfAbsent(claim(`${phone}-1`, phone, at(1)))).toBe(true);
      expect(await store.putIfAbsent({ ...claim(`${phone}-1`, phone, at(2)), body: 'other' })).toBe(false);
      expect(await store.get(`${phone}-1`)).toEqual(claim(`${phone}-1`, phone, at(1)));
      expect(await store.get(`${phone}-unknown`)).toBeUndefined();
    });

    it('marks a claim sent, but keeps a status a delivery event set first', async () => {
      await store.putIfAbsent(claim(`${phone}-2`, phone, at(2)));
      await store.markSent(`${phone}-2`, 'aws-2');
      expect(await store.get(`${phone}-2`)).toMatchObject({ status: 'sent', awsMessageId: 'aws-2' });
      await store.putIfAbsent(claim(`${phone}-3`, phone, at(3)));
      expect(await store.transition(`${phone}-3`, ['sending', 'sent'], 'delivered')).toMatchObject({
        status: 'delivered',
      });
      await store.markSent(`${phone}-3`, 'aws-3');
      expect(await store.get(`${phone}-3`)).toMatchObject({ status: 'delivered', awsMessageId: 'aws-3' });
    });

    it('moves a status only from the ones given, and updates only what exists', async () => {
      expect(await store.transition(`${phone}-3`, ['sending'], 'failed', 'late')).toBeUndefined();
      expect(await store.transition(`${phone}-none`, ['sending'], 'failed')).toBeUndefined();
      await expect(store.update(`${phone}-none`, { status: 'failed' })).rejects.toThrow();
      expect(await store.get(`${phone}-none`)).toBeUndefined();
      await store.update(`${phone}-3`, { segments: 2, encoding: 'UCS-2' });
      expect(await store.get(`${phone}-3`)).toMatchObject({ segments: 2, encoding: 'UCS-2' });
    });

    it('releases and takes over only an unconfirmed claim', async () => {
      await store.putIfAbsent(claim(`${phone}-4`, phone, at(4)));
      expect(await store.reclaim(`${phone}-4`, at(9), at(20), 'again')).toBe(false);
      expect(await store.reclaim(`${phone}-4`, at(4), at(20), 'again')).toBe(true);
      expect(await store.reclaim(`${phone}-4`, at(4), at(21), 'twice')).toBe(false);
      expect(await store.get(`${phone}-4`)).toMatchObject({ at: at(20), body: 'again', resends: 1 });
      expect(await store.reclaim(`${phone}-2`, at(2), at(22), 'sent already')).toBe(false);
      await store.releaseClaim(`${phone}-2`);
      expect(await store.get(`${phone}-2`)).toBeDefined();
      await store.releaseClaim(`${phone}-4`);
      expect(await store.get(`${phone}-4`)).toBeUndefined();
    });

    it("pages a number's messages newest first, saying where a page ends only when more follow", async () => {
      for (const minute of [30, 31, 32, 33, 34])
        await store.putIfAbsent(claim(`${phone}-p${minute}`, phone, at(minute)));
      const first = await store.pageByPhone(phone, { limit: 3 });
      expect(first.messages.map((m) => m.at)).toEqual([at(34), at(33), at(32)]);
      expect(first.next).toEqual({ at: at(32), messageId: `${phone}-p32` });
      const rest = await store.pageByPhone(phone, { limit: 10, after: first.next });
      expect(rest.messages.map((m) => m.messageId)).toEqual([
        `${phone}-p31`,
        `${phone}-p30`,
        `${phone}-3`,
        `${phone}-2`,
        `${phone}-1`,
      ]);
      expect(rest.next).toBeUndefined();
      expect((await store.listByPhone(phone, 2)).map((m) => m.at)).toEqual([at(34), at(33)]);
    });
  });
}

messageStoreContract('in memory', async () => new InMemoryMessageStore());
messageStoreContract('DynamoDB', async () => new DynamoMessageStore((await tables()).messages));

function smsGatewayContract(name: string, make: () => Promise<SmsGateway>) {
  describe(`SMS gateway: ${name}`, () => {
    let gateway: SmsGateway;
    const phone = name === 'in memory' ? '+12065550301' : '+12065550302';
    const text = { to: phone, body: 'Hi', messageType: 'TRANSACTIONAL' as const, context: {} };
    beforeAll(async () => {
      gateway = await make();
    });

    it('sends, refuses a number on the opt-out list, and sends again once it is removed', async () => {
      expect((await gateway.send(text)).awsMessageId).toEqual(expect.any(String));
      await gateway.putOptedOut(phone);
      await expect(gateway.send(text)).rejects.toBeInstanceOf(OptedOutAtCarrierError);
      expect(await gateway.deleteOptedOut(phone)).toBe('removed');
      expect((await gateway.send(text)).awsMessageId).toEqual(expect.any(String));
    });

    it('removes a number once in 30 days, and says when a number was not listed', async () => {
      await gateway.putOptedOut(phone);
      expect(await gateway.deleteOptedOut(phone)).toBe('refused');
      expect(await gateway.deleteOptedOut('+12065550399')).toBe('not_listed');
    });
  });
}

smsGatewayContract('in memory', async () => new InMemorySmsGateway());
smsGatewayContract('End User Messaging', async () => {
  const local = await started();
  return new EndUserMessagingGateway({
    originationIdentity: local.originationNumber,
    configurationSetName: 'optline-local-config-set',
    optOutListName: local.sms.optOutListArn(),
  });
});

function profileStoreContract(name: string, make: () => Promise<ProfileStore>) {
  describe(`profile store: ${name}`, () => {
    let store: ProfileStore;
    // Numbers of one shard, distinct per store, so the DynamoDB half's index holds only its own.
    const prefix = name === 'in memory' ? '+1206555' : '+1312555';
    const numbers = Array.from({ length: 400 }, (_, i) => `${prefix}${String(1000 + i)}`);
    const shard = marketingShardOf(numbers[0]!);
    const [a, b, c, d] = numbers.filter((n) => marketingShardOf(n) === shard);
    const NOW = '2026-11-20T12:00:00.000Z';
    const subscribed: ConsentState = {
      marketing: 'subscribed',
      transactional: 'never_subscribed',
      marketingConfirmedBy: 'double_opt_in',
      properties: { $source: 'keyword:JOIN' },
    };
    const project = (phone: string, expectedVersion: number, state: ConsentState) =>
      store.applyConsent({
        phone,
        expectedVersion,
        nextVersion: expectedVersion + 1,
        eventId: `e-${phone}-${expectedVersion + 1}`,
        consentUpdatedAt: NOW,
        state,
        now: NOW,
      });
    beforeAll(async () => {
      store = await make();
    });

    it('projects consent once per version, and says stale to a writer that lost the race', async () => {
      expect(await store.get(a!)).toBeUndefined();
      expect(await project(a!, 0, subscribed)).toBe('applied');
      expect(await project(a!, 0, { ...subscribed, marketing: 'pending' })).toBe('stale');
      expect(await store.get(a!)).toMatchObject({ marketing: 'subscribed', consentVersion: 1 });
    });

    it('drops the consent fields the new state does not hold', async () => {
      const out = {
        ...subscribed,
        marketing: 'unsubscribed' as const,
        optedOutAt: NOW,
        beforeOptOut: { marketing: 'subscribed' as const, transactional: 'never_subscribed' as const },
      };
      expect(await project(b!, 0, out)).toBe('applied');
      expect(await project(b!, 1, { ...subscribed, marketingConfirmedBy: undefined })).toBe('applied');
      const profile = await store.get(b!);
      expect(profile).not.toHaveProperty('optedOutAt');
      expect(profile).not.toHaveProperty('beforeOptOut');
      expect(profile).not.toHaveProperty('marketingConfirmedBy');
    });

    it('lists only the shard’s subscribers who may get marketing', async () => {
      await project(c!, 0, { ...subscribed, marketing: 'pending' });
      await project(d!, 0, { ...subscribed, optedOutAt: NOW });
      const { profiles } = await store.marketingSubscribers(shard);
      expect(profiles.map((p) => p.phone).sort()).toEqual([a!, b!].sort());
    });

    it('creates a never-subscribed profile for activity from a new number', async () => {
      const phone = numbers[399]!;
      await store.recordActivity(phone, { lastInboundAt: NOW }, NOW);
      expect(await store.get(phone)).toEqual({
        phone,
        marketing: 'never_subscribed',
        transactional: 'never_subscribed',
        properties: {},
        consentVersion: 0,
        createdAt: NOW,
        updatedAt: NOW,
        lastInboundAt: NOW,
      });
    });

    it('keeps the latest engagement time and adds counters', async () => {
      const phone = numbers[398]!;
      await store.recordEngagement(
        phone,
        { latest: { lastOrderAt: '2026-11-20T12:05:00.000Z' }, add: { orderCount: 1, totalSpent: 20 } },
        NOW,
      );
      await store.recordEngagement(
        phone,
        { latest: { lastOrderAt: '2026-11-20T11:00:00.000Z' }, add: { orderCount: 1, totalSpent: 5 } },
        NOW,
      );
      expect(await store.get(phone)).toMatchObject({
        lastOrderAt: '2026-11-20T12:05:00.000Z',
        orderCount: 2,
        totalSpent: 25,
      });
      expect((await store.getMany([phone, phone, numbers[397]!])).size).toBe(1);
    });

    it('records and clears a delivery error, leaving unknown numbers alone', async () => {
      const error = { at: NOW, permanent: false, reason: 'TEXT_CARRIER_UNREACHABLE' };
      await store.setDeliveryError(a!, error, NOW);
      expect((await store.get(a!))?.deliveryError).toEqual(error);
      await store.setDeliveryError(a!, undefined, NOW);
      expect(await store.get(a!)).not.toHaveProperty('deliveryError');
      await store.setDeliveryError(numbers[396]!, error, NOW);
      expect(await store.get(numbers[396]!)).toBeUndefined();
    });

    it('reserves state-cap sends once per version', async () => {
      const entries = [{ messageId: 'm-1', at: NOW }];
      expect(await store.reserveStateCapSends(a!, { entries, expectedVersion: 0 })).toBe('reserved');
      expect(await store.reserveStateCapSends(a!, { entries, expectedVersion: 0 })).toBe('stale');
      expect(await store.reserveStateCapSends(numbers[395]!, { entries, expectedVersion: 0 })).toBe('stale');
      expect(await store.get(a!)).toMatchObject({ stateCapSends: entries, stateCapVersion: 1 });
    });
  });
}

profileStoreContract('in memory', async () => new InMemoryProfileStore());
profileStoreContract('DynamoDB', async () => new DynamoProfileStore((await tables()).profiles));
