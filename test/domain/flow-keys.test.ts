/**
 * `flows.abandonedCart`, `flows.backInStock` and `flows.priceDrop` keep working: each key's settings
 * are translated into the built-in definition the flow runs (docs/flows.md#settings-under-their-own-keys).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { ROOT } from '../support/root';

const TOPICS = { topics: [{ property: 'preferences.gear', label: 'Gear' }] };

function definitionOf(id: string, flows: Record<string, unknown> = {}) {
  const config = RuntimeConfigSchema.parse({ brand: 'Acme Coffee', preferences: TOPICS, flows });
  return config.flows.definitions.find((d) => d.id === id);
}

describe.each([
  ['backInStock', 'BackInStock', '{{ event.product_name }} is back in stock: {{ event.product_url }}', 24],
  [
    'priceDrop',
    'PriceDropped',
    'Price drop! {{ event.product_name }} is now {{ event.price }}: {{ event.product_url }}',
    24,
  ],
])('flows.%s', (id, event, defaultBody, defaultDeadline) => {
  it('is a built-in definition by default: at once, once per product and day, links as written', () => {
    expect(definitionOf(id)).toEqual(
      FlowDefinitionShape.parse({
        id,
        trigger: { event },
        limits: { oncePer: { fields: ['productId'], hours: 24 }, deadlineHours: defaultDeadline },
        steps: [
          { kind: 'wait', id: 'delay', until: 'at', delayMinutes: 0 },
          { kind: 'send', id: `${id}Text`, body: defaultBody, trackLinks: false },
        ],
      }),
    );
  });

  it('translates every setting of the key', () => {
    const body = '{{ event.product_name }}: {{ event.product_url }}';
    const definition = definitionOf(id, {
      [id]: { enabled: false, topic: 'preferences.gear', delayMinutes: 30, deadlineHours: 6, body },
    });
    expect(definition).toMatchObject({
      id,
      enabled: false,
      topic: 'preferences.gear',
      limits: { deadlineHours: 6 },
      steps: [
        { kind: 'wait', until: 'at', delayMinutes: 30 },
        { kind: 'send', body, trackLinks: false },
      ],
    });
  });

  it('refuses a delay its deadline always cuts off, naming the key’s field', () => {
    const result = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      flows: { [id]: { delayMinutes: 180, deadlineHours: 2 } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([`flows.${id}.deadlineHours`]);
    expect(result.error?.issues[0]?.message).toContain('would always be skipped');
  });

  it('is switched or replaced by an entry of flows.definitions with its id', () => {
    expect(definitionOf(id, { definitions: [{ id, enabled: false }] })?.enabled).toBe(false);
    const replaced = definitionOf(id, {
      [id]: { delayMinutes: 30 },
      definitions: [
        { id, trigger: { event }, steps: [{ kind: 'send', body: 'Acme Coffee: {{ event.product_id }}' }] },
      ],
    });
    expect(replaced?.steps).toEqual([
      expect.objectContaining({
        kind: 'send',
        body: 'Acme Coffee: {{ event.product_id }}',
        trackLinks: true,
      }),
    ]);
  });
});

describe('flows.abandonedCart', () => {
  const cartBody =
    '{{ first_name | default: "Hi" }}, you left something in your cart. Complete your order: {{ event.cart_url }}';

  it('is a built-in definition by default: an hour after abandonedAt, once per cart, confirmed opt-ins only', () => {
    expect(definitionOf('abandonedCart')).toEqual(
      FlowDefinitionShape.parse({
        id: 'abandonedCart',
        trigger: { event: 'CartAbandoned' },
        exitOn: [{ event: 'OrderPlaced', fields: ['cartId'] }, { event: 'OrderPlaced' }],
        limits: { oncePer: { fields: ['cartId'] }, deadlineHours: 48 },
        steps: [
          { kind: 'wait', id: 'delay', until: 'abandonedAt', delayMinutes: 60 },
          {
            kind: 'condition',
            id: 'noOrderSinceCart',
            if: { noEventSince: ['OrderPlaced'] },
            skipReason: 'order_placed',
          },
          { kind: 'send', id: 'cartText', body: cartBody, confirmedOptIn: true, trackLinks: false },
        ],
      }),
    );
  });

  it('translates every setting of the key', () => {
    const body = 'Your cart: {{ event.cart_url }}';
    expect(
      definitionOf('abandonedCart', {
        abandonedCart: {
          enabled: false,
          topic: 'preferences.gear',
          delayMinutes: 30,
          deadlineHours: 6,
          body,
        },
      }),
    ).toMatchObject({
      enabled: false,
      topic: 'preferences.gear',
      limits: { deadlineHours: 6 },
      steps: [{ until: 'abandonedAt', delayMinutes: 30 }, { kind: 'condition' }, { body }],
    });
  });

  it('refuses a delay its deadline always cuts off, naming the key’s field', () => {
    const result = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      flows: { abandonedCart: { delayMinutes: 180, deadlineHours: 2 } },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['flows.abandonedCart.deadlineHours']);
  });
});

describe('flows.welcome', () => {
  const welcome = (flows: Record<string, unknown> = {}) => definitionOf('welcome', flows);

  it('is a built-in definition by default: the code at once, by $source, then the contact card a day later', () => {
    const definition = welcome();
    expect(definition?.trigger.event).toBe('SubscriptionConfirmed');
    expect(definition?.steps.map((s) => [s.kind, s.id, 'next' in s ? s.next : undefined])).toEqual([
      ['split', 'message1BySource', 'message1Text'],
      ['send', 'message1Source1', 'message2Delay'],
      ['send', 'message1Text', undefined],
      ['wait', 'message2Delay', undefined],
      ['send', 'message2Text', undefined],
    ]);
    expect(definition?.steps[0]).toMatchObject({
      property: '$source',
      cases: [{ equals: 'existing-email', next: 'message1Source1' }],
    });
    expect(definition?.steps[2]).toMatchObject({
      quietHours: false,
      smartSending: false,
      trackLinks: false,
      deadlineHours: 168,
    });
    expect(definition?.steps[3]).toMatchObject({ delayMinutes: 24 * 60 });
    expect(definition?.steps[4]).toMatchObject({
      contactCard: true,
      quietHours: true,
      trackLinks: false,
      deadlineHours: 24 + 168,
    });
  });

  it('translates every setting of the key, a source’s text joining the next message', () => {
    const definition = welcome({
      welcome: {
        enabled: false,
        topic: 'preferences.gear',
        steps: [
          { delayMinutes: 5, body: 'Hi', bodyBySource: { a: 'Hi A', b: 'Hi B' } },
          { delayMinutes: 0, body: 'Again', smartSending: false },
        ],
      },
    });
    expect(definition).toMatchObject({ enabled: false, topic: 'preferences.gear' });
    expect(definition?.steps.map((s) => [s.id, 'next' in s ? s.next : undefined])).toEqual([
      ['message1Delay', undefined],
      ['message1BySource', 'message1Text'],
      ['message1Source1', 'message2Text'],
      ['message1Source2', 'message2Text'],
      ['message1Text', undefined],
      ['message2Text', undefined],
    ]);
    expect(definition?.steps[5]).toMatchObject({ body: 'Again', smartSending: false, quietHours: true });
  });

  it('refuses a later text without quiet hours, naming the key’s field', () => {
    const result = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      flows: {
        welcome: {
          steps: [
            { delayMinutes: 0, body: 'Code', quietHours: false },
            { delayMinutes: 60, body: 'Later', quietHours: false },
          ],
        },
      },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['flows.welcome.steps.1.quietHours']);
    expect(result.error?.issues[0]?.message).toContain('only the first text of a SubscriptionConfirmed flow');
  });

  it('refuses a message later than a deadline can be, naming its delay', () => {
    const month = { delayMinutes: 30 * 24 * 60, body: 'Later' };
    const result = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      flows: { welcome: { steps: [month, month, month, month] } },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['flows.welcome.steps.3.delayMinutes']);
    expect(result.error?.issues[0]?.message).toContain('would always be skipped');
  });

  it('is switched off or replaced by an entry of flows.definitions with its id', () => {
    expect(welcome({ definitions: [{ id: 'welcome', enabled: false }] })?.enabled).toBe(false);
  });
});

describe('the translations docs/flows.md shows', () => {
  const doc = readFileSync(resolve(ROOT, 'docs/flows.md'), 'utf8');
  const section = doc.slice(
    doc.indexOf('### Settings under their own keys'),
    doc.indexOf('## Browse abandonment'),
  );
  const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(
    (m) => JSON.parse(m[1] ?? '') as { id?: string },
  );

  it('shows the default welcome series as it is translated', () => {
    const shown = examples.find((e) => e.id === 'welcome');
    expect(FlowDefinitionShape.parse(shown)).toEqual(definitionOf('welcome'));
  });

  it('shows priceDrop with a delay of 30 minutes as it is translated', () => {
    const shown = examples.find((e) => e.id === 'priceDrop');
    expect(FlowDefinitionShape.parse(shown)).toEqual(
      definitionOf('priceDrop', { priceDrop: { delayMinutes: 30 } }),
    );
  });
});
