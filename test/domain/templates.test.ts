import { describe, expect, it } from 'vitest';
import { renderTemplate, templateContext, templateProblems } from '../../lambdas/domain/templates';
import { parseDeploymentConfig, ConfigError } from '../../lib/config';
import { FLOW_VARIABLES } from '../../lambdas/domain/runtime-config';

describe('message templates', () => {
  const context = templateContext(
    { brand: 'Acme Coffee', programName: 'Acme Texts', supportContact: 'help@acme.example' },
    { phone: '+12065550100', properties: { first_name: 'Ada', preferences: 'iced' } },
    { cartUrl: 'https://acme.example/c/1', total: 29 },
  );

  it('renders profile properties, program facts and the event (snake_case)', () => {
    expect(
      renderTemplate(
        'Hi {{ first_name | default: "there" }}, {{ program_name }}: {{ event.cart_url }} (${{ event.total }})',
        context,
      ),
    ).toBe('Hi Ada, Acme Texts: https://acme.example/c/1 ($29)');
  });

  it('uses the default for a missing property', () => {
    const anonymous = templateContext(
      { brand: 'Acme', supportContact: 'x' },
      { phone: '+1', properties: {} },
    );
    expect(renderTemplate('Hi {{ first_name | default: "there" }}!', anonymous)).toBe('Hi there!');
  });

  it.each([
    [
      'Hi {{ first_name }}',
      ['{{ first_name }} may be missing: add a default, e.g. {{ first_name | default: "…" }}'],
    ],
    [
      '{{ event.coupon }}',
      ['{{ event.coupon }} may be missing: add a default, e.g. {{ event.coupon | default: "…" }}'],
    ],
    ['Hi {{ first_name ', ['does not parse']],
    ['{{ x | shout }}', ['does not parse']],
  ])('rejects %j', (source, problems) => {
    const found = templateProblems(source, ['event.cart_url']);
    expect(found).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(found[i]).toContain(p));
  });

  it.each([
    '{{ event.cart_url }} {{ brand }}',
    'Hi {{ first_name | default: "there" }}',
    '{% if coupon %}Use {{ coupon | default: "" }}{% endif %}',
  ])('accepts %j', (source) => {
    expect(templateProblems(source, ['event.cart_url'])).toEqual([]);
  });

  it('is checked when the config is validated, naming the flow field', () => {
    expect(() =>
      parseDeploymentConfig({
        brand: 'Acme',
        flows: { abandonedCart: { body: 'Hi {{ first_name }}: {{ event.cart_url }}' } },
      }),
    ).toThrow(ConfigError);
    try {
      parseDeploymentConfig({
        brand: 'Acme',
        flows: { welcome: { steps: [{ delayMinutes: 0, body: '{{ coupon }}' }] } },
      });
    } catch (error) {
      expect((error as ConfigError).field).toBe('optline.flows.welcome.steps.0.body');
    }
  });

  it('is refused at synth when a flow prints a field its trigger does not always carry, naming both', () => {
    expect(() =>
      parseDeploymentConfig({
        brand: 'Acme',
        flows: { abandonedCart: { body: 'Your cart at {{ event.store_id }}: {{ event.cart_url }}' } },
      }),
    ).toThrow(
      'Invalid Optline config at "optline.flows.abandonedCart.body": {{ event.store_id }} may be missing: not every CartAbandoned event carries it; add a default, e.g. {{ event.store_id | default: "…" }}',
    );
    expect(() =>
      parseDeploymentConfig({
        brand: 'Acme',
        flows: {
          abandonedCart: {
            body: 'Your cart at {{ event.store_id | default: "our shop" }}: {{ event.cart_url }}',
          },
        },
      }),
    ).not.toThrow();
  });
});

describe('templates over commerce events', () => {
  const CART_VARIABLES = FLOW_VARIABLES.abandonedCart;

  it('read every field in snake_case, in items and nested fields too', () => {
    const context = templateContext(
      { brand: 'Acme', supportContact: 'x' },
      { phone: '+12065550100', properties: {} },
      {
        cartUrl: 'https://acme.example/c/1',
        storeId: 'brooklyn',
        shippingAddress: { postalCode: '11201' },
        items: [{ name: 'House Blend', imageUrl: 'https://cdn.example/b.jpg', variantTitle: 'Whole bean' }],
      },
    );
    expect(
      renderTemplate(
        '{{ event.store_id }} {{ event.shipping_address.postal_code }} {% for item in event.items %}{{ item.name }} ({{ item.variant_title }}) {{ item.image_url }}{% endfor %}',
        context,
      ),
    ).toBe('brooklyn 11201 House Blend (Whole bean) https://cdn.example/b.jpg');
  });

  it.each([
    '{{ event.cart_url }} {{ event.total }} {{ event.currency }} {{ event.event_id }}',
    '{{ event.items.first.name }} x{{ event.items.first.quantity }} at {{ event.items[0].price }}',
    '{{ event.items.size }} items',
    '{% for item in event.items %}{{ item.name }} x{{ item.quantity }}{% endfor %}',
    '{% for item in event.items %}{{ item.image_url | default: "" }}{% endfor %}',
    '{% for i in (1..3) %}{{ i }}{% endfor %}',
    '{{ event.store_id | default: "" }}',
    '{% if event.store_id %}From {{ event.store_id | default: "" }}{% endif %}',
  ])('accepts %j for an abandoned cart', (source) => {
    expect(templateProblems(source, CART_VARIABLES, 'CartAbandoned')).toEqual([]);
  });

  it.each([
    ['{{ event.store_id }}', 'event.store_id'],
    ['{{ event.items.first.image_url }}', 'event.items.first.image_url'],
    ['{{ event.items[0].variant_title }}', 'event.items.0.variant_title'],
    ['{% for item in event.items %}{{ item.image_url }}{% endfor %}', 'item.image_url'],
    ['{% for line in event["items"] %}{{ line.sku }}{% endfor %}', 'line.sku'],
    [
      '{% for item in event.items %}{% for o in item.options %}{{ o.value }}{% endfor %}{% endfor %}',
      'o.value',
    ],
  ])('asks for a default on %j (a loop variable stands for an item)', (source, variable) => {
    expect(templateProblems(source, CART_VARIABLES, 'CartAbandoned')).toEqual([
      `{{ ${variable} }} may be missing: not every CartAbandoned event carries it; add a default, e.g. {{ ${variable} | default: "…" }}`,
    ]);
  });
});
