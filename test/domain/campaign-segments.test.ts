import { describe, expect, it } from 'vitest';
import { recipientSegments, segmentSample } from '../../lambdas/domain/campaign-segments';
import { campaignEstimate } from '../../lambdas/domain/campaigns';
import { newProfile, type Profile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';

const config = RuntimeConfigSchema.parse({
  brand: 'Acme Coffee',
  supportContact: 'help@acme.example',
  messageFrequency: 'Up to 6 msgs/mo',
  termsUrl: 'https://acme.example/terms',
  privacyUrl: 'https://acme.example/privacy',
});
const settings = { ...config, linkBase: 'https://go.acme.example', smartEncoding: true };
const AT = '2026-11-01T00:00:00.000Z';

function subscriber(phone: string, properties: Profile['properties'] = {}, texted = true): Profile {
  return {
    ...newProfile(phone, AT),
    marketing: 'subscribed',
    properties,
    ...(texted ? { lastMarketingAt: AT } : {}),
  };
}

// "Acme Coffee: " (13) + 132 + the name: 1 segment up to a 15-character name.
const body = `Hi {{ first_name | default: "there" }}! ${'x'.repeat(128)}`;
const campaign = { body, linkSalt: 'salt', messageType: 'PROMOTIONAL' as const };

describe('recipientSegments', () => {
  it('counts each recipient’s text as sent: their name, their opt-out language, links at their length', () => {
    expect(recipientSegments(campaign, subscriber('+12125550100', { first_name: 'Ana' }), settings)).toBe(1);
    expect(
      recipientSegments(
        campaign,
        subscriber('+12125550101', { first_name: 'Maximiliana-Josefina' }),
        settings,
      ),
    ).toBe(2);
    expect(recipientSegments(campaign, subscriber('+12125550102'), settings)).toBe(1);
    // A number's first marketing text carries "Reply STOP to opt out.".
    expect(
      recipientSegments(campaign, subscriber('+12125550103', { first_name: 'Ana' }, false), settings),
    ).toBe(2);
    const linked = {
      ...campaign,
      body: `${'y'.repeat(100)} https://acme.example/a/very/long/path/to/spring`,
    };
    expect(recipientSegments(linked, subscriber('+12125550104'), settings)).toBe(1);
  });

  it('counts curly quotes after smart encoding, and an MMS as one message', () => {
    const curly = { ...campaign, body: `It’s “here” ${'z'.repeat(120)}` };
    expect(recipientSegments(curly, subscriber('+12125550105'), settings)).toBe(1);
    expect(recipientSegments(curly, subscriber('+12125550105'), { ...settings, smartEncoding: false })).toBe(
      3,
    );
    const mms = { ...campaign, body: 'x'.repeat(400), mediaUrls: ['https://acme.example/a.jpg'] };
    expect(recipientSegments(mms, subscriber('+12125550106'), settings)).toBe(1);
  });
});

describe('segmentSample', () => {
  const audience = Array.from({ length: 3000 }, (_, i) =>
    subscriber(`+1212555${String(i).padStart(4, '0')}`, {
      first_name: i % 10 < 3 ? 'Maximiliana-Josefina' : 'Ana',
    }),
  );
  const distributionOf = (profiles: readonly Profile[]) => {
    const sample = segmentSample((profile) => recipientSegments(campaign, profile, settings));
    for (const profile of profiles) sample.add(profile);
    return sample.distribution();
  };

  it('reports min, p50 and max of a sample, and the same sample in any order', () => {
    const distribution = distributionOf(audience);
    expect(distribution).toMatchObject({ min: 1, p50: 1, max: 2, sampled: 1000 });
    // 30% of the audience has the long name: the sample's mean is near 1.3.
    expect(distribution!.mean).toBeGreaterThan(1.25);
    expect(distribution!.mean).toBeLessThan(1.35);
    expect(distributionOf([...audience].reverse())).toEqual(distribution);
  });

  it('renders only the sampled recipients, and has no distribution without one', () => {
    let rendered = 0;
    const sample = segmentSample(() => {
      rendered += 1;
      return 1;
    }, 10);
    for (const profile of audience) sample.add(profile);
    expect(sample.distribution()?.sampled).toBe(10);
    expect(rendered).toBeLessThan(200);
    expect(segmentSample(() => 1).distribution()).toBeUndefined();
  });

  it('leaves out a recipient whose text does not render', () => {
    const sample = segmentSample((profile) => (profile.phone.endsWith('1') ? undefined : 2));
    for (const profile of audience.slice(0, 20)) sample.add(profile);
    expect(sample.distribution()).toEqual({ min: 2, p50: 2, max: 2, mean: 2, sampled: 18 });
  });
});

describe('campaignEstimate', () => {
  const price = { smsUsd: 0.00581, smsCarrierFeeUsd: 0.003 };

  it('costs the audience at the sample’s mean segments, else at the body’s', () => {
    const distribution = { min: 1, p50: 1, max: 2, mean: 1.5, sampled: 2 };
    const sampled = campaignEstimate(1000, { segments: 1, mms: false }, price, true, undefined, distribution);
    expect(sampled).toMatchObject({ segmentsPerMessage: 1, segments: distribution, costUsd: 13.215 });
    expect(campaignEstimate(1000, { segments: 1, mms: false }, price, true).costUsd).toBe(8.81);
  });
});
