import { describe, expect, it } from 'vitest';
import { ConfigError, configFromContext, parseDeploymentConfig } from '../../lib/config';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('deployment config', () => {
  it('takes short links of 7 characters on the API unless told otherwise', () => {
    expect(parseDeploymentConfig({ brand: 'Acme' }).program.links).toEqual({ codeLength: 7 });
    const withZone = { domain: 'go.acme.com', hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'acme.com.' };
    expect(parseDeploymentConfig({ brand: 'Acme', links: withZone }).program.links).toEqual({
      ...withZone,
      codeLength: 7,
    });
    const withCertificate = { domain: 'acme.link', certificateArn: CERTIFICATE, codeLength: 8 };
    expect(parseDeploymentConfig({ brand: 'Acme', links: withCertificate }).program.links).toEqual(
      withCertificate,
    );
  });

  it('fills sensible defaults when only the brand is given', () => {
    const config = parseDeploymentConfig({ brand: 'Acme' });
    expect(config.program.programName).toBe('Acme Texts');
    expect(config.program.quietHours).toEqual({ start: '08:00', end: '21:00' });
    expect(config.program.doubleOptIn).toBe(true);
    expect(config.program.smartSendingHours).toBe(24);
    expect(config.program.keywords.optOut).toContain('STOP');
    expect(config.program.keywords.custom.map((k) => k.keyword)).toEqual(['PAUSE', 'RESUME']);
    expect(config.origination).toMatchObject({
      kind: 'provision',
      numberType: 'SIMULATOR',
      isoCountryCode: 'US',
    });
    expect(config.program.allowedCountries).toEqual(['US']);
  });

  it('defaults the allowed countries to the origination country', () => {
    const config = parseDeploymentConfig({
      brand: 'Acme',
      origination: { kind: 'provision', isoCountryCode: 'CA' },
    });
    expect(config.program.allowedCountries).toEqual(['CA']);
  });

  it.each([
    [{}, 'optline.brand'],
    [{ brand: 'Acme', quietHours: { start: '07:00', end: '21:00' } }, 'optline.quietHours.start'],
    [{ brand: 'Acme', quietHours: { start: '08:00', end: '22:30' } }, 'optline.quietHours.end'],
    [{ brand: 'Acme', quietHours: { start: '8am', end: '21:00' } }, 'optline.quietHours.start'],
    [{ brand: 'Acme', defaultTimeZone: 'Mars/Olympus' }, 'optline.defaultTimeZone'],
    [{ brand: 'Acme', termsUrl: 'not a url' }, 'optline.termsUrl'],
    [{ brand: 'Acme', allowedCountries: ['usa'] }, 'optline.allowedCountries.0'],
    [
      { brand: 'Acme', origination: { kind: 'provision', numberType: 'SHORT' } },
      'optline.origination.numberType',
    ],
    [
      { brand: 'Acme', origination: { kind: 'existing', phoneNumber: '+12065550100' } },
      'optline.origination.originationIdentityArn',
    ],
    [{ brand: 'Acme', keywords: { optOut: ['QUIT'] } }, 'optline.keywords.optOut'],
    [{ brand: 'Acme', keywords: { optIn: ['STOP'] } }, 'optline.keywords.optIn'],
    [{ brand: 'Acme', smartSendingHours: -1 }, 'optline.smartSendingHours'],
    [{ brand: 'Acme', colour: 'blue' }, 'optline'],
    [{ brand: 'Acme', links: { codeLength: 6 } }, 'optline.links.codeLength'],
    [
      { brand: 'Acme', links: { domain: 'Go.Acme.com', certificateArn: CERTIFICATE } },
      'optline.links.domain',
    ],
    [{ brand: 'Acme', links: { domain: 'go.acme.com' } }, 'optline.links'],
    [
      { brand: 'Acme', links: { hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'acme.com' } },
      'optline.links',
    ],
    [{ brand: 'Acme', links: { domain: 'go.acme.com', hostedZoneId: 'Z0123456789ABC' } }, 'optline.links'],
    [
      {
        brand: 'Acme',
        links: { domain: 'go.acme.com', hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'acme.co' },
      },
      'optline.links',
    ],
    [
      { brand: 'Acme', links: { domain: 'go.acme.com', certificateArn: 'arn:aws:iam::1:x' } },
      'optline.links.certificateArn',
    ],
  ])('refuses %j naming %s', (raw, field) => {
    let error: unknown;
    try {
      parseDeploymentConfig(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toContain(field);
  });

  it('refuses a missing config with a message saying what to set', () => {
    expect(() => parseDeploymentConfig(undefined)).toThrow(/optline\.brand/);
  });

  it('accepts the config as a JSON string from --context', () => {
    const config = configFromContext(JSON.stringify({ brand: 'Acme', stage: 'dev' }));
    expect(config.stage).toBe('dev');
    expect(() => configFromContext('{not json')).toThrow(ConfigError);
  });

  it('accepts an existing number by ARN', () => {
    const config = parseDeploymentConfig({
      brand: 'Acme',
      origination: {
        kind: 'existing',
        originationIdentityArn: 'arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-abc123',
        phoneNumber: '+18885550123',
        messagesPerSecond: 3,
      },
    });
    expect(config.origination.kind).toBe('existing');
  });
  it('takes flows as the list of flow definitions itself, naming a wrong one where it was written', () => {
    const crossSell = {
      id: 'grinderCrossSell',
      trigger: { event: 'OrderPlaced' },
      limits: { deadlineHours: 192 },
      steps: [
        { kind: 'wait', delayMinutes: 10080 },
        { kind: 'send', body: 'Our burr grinder: https://shop.example/grinder' },
      ],
    };
    const asList = parseDeploymentConfig({ brand: 'Acme', flows: [crossSell] }).program.flows;
    const asKey = parseDeploymentConfig({ brand: 'Acme', flows: { definitions: [crossSell] } }).program.flows;
    expect(asList).toEqual(asKey);
    expect(asList.definitions.map((d) => d.id)).toContain('grinderCrossSell');
    // The built-in flows and the keys' defaults stay as they are.
    expect(asList.welcome).toEqual(parseDeploymentConfig({ brand: 'Acme' }).program.flows.welcome);

    const broken = { ...crossSell, steps: [{ kind: 'send', body: '' }] };
    expect(() => parseDeploymentConfig({ brand: 'Acme', flows: [crossSell, broken] })).toThrow(
      expect.objectContaining({ field: 'optline.flows.1.steps.0.body' }),
    );
    expect(() =>
      parseDeploymentConfig({ brand: 'Acme', flows: { definitions: [crossSell, broken] } }),
    ).toThrow(expect.objectContaining({ field: 'optline.flows.definitions.1.steps.0.body' }));
  });
});
