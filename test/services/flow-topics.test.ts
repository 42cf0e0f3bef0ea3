/**
 * Flows honour the topics a subscriber turned off on the preference page: a flow whose config names
 * a topic skips its texts, as `topic_off`, for a subscriber who turned that topic off; a flow without
 * one texts every subscriber. On in-memory stores and gateway (test/support/fakes).
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../lambdas/domain/clock';
import { newProfile, type Profile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { runDefinedStep } from '../../lambdas/services/flows';
import { InMemoryMessageStore } from '../support/fakes/message-store';
import { InMemoryProfileStore } from '../support/fakes/profile-store';
import { InMemorySmsGateway } from '../support/fakes/sms-gateway';

const NOW = '2026-04-14T16:00:00.000Z'; // 12:00 in New York
const PHONE = '+12125550100';
const TOPICS = { topics: [{ property: 'preferences.coffee', label: 'Coffee' }] };

function world(flows: Record<string, unknown>, properties: Profile['properties']) {
  const config = RuntimeConfigSchema.parse({ brand: 'Acme Coffee', preferences: TOPICS, flows });
  const profiles = new InMemoryProfileStore();
  const messages = new InMemoryMessageStore();
  const gateway = new InMemorySmsGateway();
  profiles.put({
    ...newProfile(PHONE, '2026-04-01T00:00:00.000Z'),
    marketing: 'subscribed',
    marketingConfirmedBy: 'double_opt_in',
    properties,
  });
  const deps = { clock: fixedClock(NOW), config, profiles, messages, gateway };
  const backInStock = () =>
    runDefinedStep(
      { ...deps, definitions: config.flows.definitions },
      {
        action: 'runStep',
        flow: 'backInStock',
        step: 'backInStockText',
        phone: PHONE,
        event: { productName: 'Ethiopia Guji', productUrl: 'https://acme.example/guji' },
        eventAt: NOW,
        deadline: '2026-04-15T16:00:00.000Z',
        executionName: 'backInStock-1',
      },
    );
  const welcome = () =>
    runDefinedStep(
      { ...deps, definitions: config.flows.definitions },
      {
        action: 'runStep',
        flow: 'welcome',
        step: 'message1Text',
        phone: PHONE,
        event: { source: 'keyword:JOIN' },
        eventAt: NOW,
        deadline: '2026-04-15T16:00:00.000Z',
        executionName: 'welcome-1',
      },
    );
  const defined = () =>
    runDefinedStep(
      { ...deps, definitions: config.flows.definitions },
      {
        action: 'runStep',
        flow: 'coffeeNews',
        step: 'news',
        phone: PHONE,
        event: {},
        eventAt: NOW,
        deadline: '2026-04-15T16:00:00.000Z',
        executionName: 'coffee-1',
      },
    );
  return { messages, gateway, backInStock, welcome, defined };
}

describe('flows and preference topics', () => {
  it('skips a flow text about a topic the subscriber turned off, recording topic_off', async () => {
    const { gateway, messages, backInStock } = world(
      { backInStock: { topic: 'preferences.coffee' } },
      { 'preferences.coffee': false },
    );
    expect(await backInStock()).toMatchObject({ status: 'skipped', reason: 'topic_off' });
    expect(gateway.to(PHONE)).toEqual([]);
    expect(await messages.get('flow#backInStock-1#backInStockText')).toMatchObject({
      status: 'skipped',
      reason: 'topic_off',
      flowId: 'backInStock',
    });
  });

  it('skips the welcome series’ texts too when it names the topic', async () => {
    const { gateway, welcome } = world(
      { welcome: { topic: 'preferences.coffee' } },
      { 'preferences.coffee': false },
    );
    expect(await welcome()).toMatchObject({ status: 'skipped', reason: 'topic_off' });
    expect(gateway.to(PHONE)).toEqual([]);
  });

  it('skips a flow definition’s texts about a topic turned off, and sends them with it on', async () => {
    const coffeeNews = {
      id: 'coffeeNews',
      topic: 'preferences.coffee',
      trigger: { event: 'OrderPlaced' },
      steps: [{ kind: 'send', id: 'news', body: 'Acme Coffee: new beans are in' }],
    };
    const off = world({ definitions: [coffeeNews] }, { 'preferences.coffee': false });
    expect(await off.defined()).toMatchObject({ status: 'skipped', reason: 'topic_off' });
    expect(off.gateway.to(PHONE)).toEqual([]);
    const on = world({ definitions: [coffeeNews] }, { 'preferences.coffee': true });
    expect(await on.defined()).toMatchObject({ status: 'sent' });
  });

  it('texts a subscriber with the topic on or never chosen', async () => {
    for (const properties of [{ 'preferences.coffee': true }, {}] as Profile['properties'][]) {
      const { gateway, backInStock } = world({ backInStock: { topic: 'preferences.coffee' } }, properties);
      expect(await backInStock()).toMatchObject({ status: 'sent' });
      expect(gateway.to(PHONE)).toHaveLength(1);
    }
  });

  it('texts everyone from a flow that names no topic', async () => {
    const { gateway, backInStock } = world({}, { 'preferences.coffee': false });
    expect(await backInStock()).toMatchObject({ status: 'sent' });
    expect(gateway.to(PHONE)).toHaveLength(1);
  });

  it('refuses a flow topic the preference page does not offer, naming the field', () => {
    const result = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      preferences: TOPICS,
      flows: { priceDrop: { topic: 'preferences.tea' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['flows.priceDrop.topic']);
    const definition = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      preferences: TOPICS,
      flows: {
        definitions: [
          {
            id: 'teaNews',
            topic: 'preferences.tea',
            trigger: { event: 'OrderPlaced' },
            steps: [{ kind: 'send', body: 'Acme Coffee: new tea' }],
          },
        ],
      },
    });
    expect(definition.error?.issues.map((i) => i.path.join('.'))).toEqual(['flows.definitions.0.topic']);
  });
});
