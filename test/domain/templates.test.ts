import { describe, expect, it } from 'vitest';
import { renderTemplate, templateContext, templateProblems } from '../../lambdas/domain/templates';
import { parseDeploymentConfig, ConfigError } from '../../lib/config';

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
});
