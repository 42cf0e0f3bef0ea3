/**
 * The in-memory stores that service tests use behave as the DynamoDB stores do: each contract runs
 * the same assertions against the fake and against the DynamoDB store on dynalite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLinkStore } from '../../lambdas/adapters/link-store';
import { DynamoNumberChangeStore } from '../../lambdas/adapters/number-change-store';
import type { LinkRecord, LinkStore } from '../../lambdas/domain/stores/link';
import type { NumberChange, NumberChangeStore } from '../../lambdas/domain/stores/number-change';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { InMemoryLinkStore } from '../support/fakes/link-store';
import { InMemoryNumberChangeStore } from '../support/fakes/number-change-store';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

let runtime: TestRuntime | undefined;
/** The DynamoDB tables, started once for every contract's DynamoDB half. */
async function tables() {
  runtime ??= await startTestRuntime({ config: KEYWORDS_ONLY });
  return runtime.dynamo.tableNames;
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

linkStoreContract('in memory', async () => new InMemoryLinkStore());
linkStoreContract('DynamoDB', async () => new DynamoLinkStore((await tables()).links));
numberChangeStoreContract('in memory', async () => new InMemoryNumberChangeStore());
numberChangeStoreContract(
  'DynamoDB',
  async () => new DynamoNumberChangeStore((await tables()).numberChanges),
);
