/**
 * `flows.abandonedCart`, `flows.backInStock` and `flows.priceDrop` keep working: each key's settings
 * are translated into the built-in definition the flow runs (docs/flows.md#settings-under-their-own-keys).
 */
import { describe, expect, it } from 'vitest';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';

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

describe('the id of the flow still written by hand', () => {
  it.each(['welcome'])('refuses a definition named %s', (id) => {
    const result = RuntimeConfigSchema.safeParse({
      brand: 'Acme Coffee',
      flows: {
        definitions: [{ id, trigger: { event: 'OrderPlaced' }, steps: [{ kind: 'send', body: 'Hi' }] }],
      },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['flows.definitions.0.id']);
  });
});
