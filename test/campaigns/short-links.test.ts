/**
 * Short links on a links domain, against the local runtime: texts carry `<origin>/<7 characters>`,
 * which redirects at the root as the custom domain does in AWS; a code another link holds makes the
 * new link take its next candidate, and a redelivered batch finds its own links again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../lambdas/adapters/campaign-store';
import { DynamoLinkStore } from '../../lambdas/adapters/link-store';
import { dependencies } from '../../lambdas/handlers/campaign-sender';
import { linkCode } from '../../lambdas/domain/links';
import { analyseMessage } from '../../lambdas/domain/message-format';
import { sendCampaignBatch } from '../../lambdas/services/campaign-sender';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T19:00:00Z');
const TARGET = 'https://acme-coffee.example/spring';

describe('short links on a links domain', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      config: {
        ...KEYWORDS_ONLY,
        links: {
          domain: 'go.acme-coffee.example',
          hostedZoneId: 'Z0123456789ABC',
          hostedZoneName: 'acme-coffee.example',
        },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  async function createCampaign(phones: readonly string[]): Promise<string> {
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Spring',
      body: `Spring beans are in: ${TARGET}`,
      segment: { phones },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    return created.body.campaignId;
  }

  const sendBatch = (campaignId: string, phones: readonly string[]) =>
    runtime.lambdas.withEnvironment('campaignSender', () =>
      sendCampaignBatch(dependencies(), [
        { messageId: `m-${campaignId}`, campaignId, recipients: [...phones] },
      ]),
    );

  const codeIn = (body: string | undefined) =>
    body?.match(new RegExp(`${runtime.url.replace(/[.:/]/g, '\\$&')}/([0-9A-Za-z]+)`))?.[1];

  it('texts a 7-character code at the root that redirects there, and at /r', async () => {
    const [phone] = phoneNumbers('206', 1, 7200);
    await seedProfiles(runtime, [seedProfile(phone!, 'eligible', START)]);
    const campaignId = await createCampaign([phone!]);
    expect((await sendBatch(campaignId, [phone!])).failedMessageIds).toEqual([]);

    const [text] = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    const code = codeIn(text?.body);
    expect(code).toMatch(/^[0-9A-Za-z]{7}$/);
    expect(text?.body).not.toContain('/r/');
    for (const path of [`/${code}`, `/r/${code}`]) {
      const response = await fetch(`${runtime.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(TARGET);
    }
    for (const path of ['/NoSuchCode1', '/short', '/v1']) {
      expect((await fetch(`${runtime.url}${path}`, { redirect: 'manual' })).status).toBe(404);
    }
  });

  it('keeps a 152-character text with a link at 1 segment in the estimate and as sent', async () => {
    const body =
      'Acme Coffee: Spring beans are here! New single-origin Ethiopia and Colombia roasts, 20% off ' +
      'this weekend only: https://acme.com/spring Reply STOP to end';
    expect(body).toHaveLength(152);
    const [phone] = phoneNumbers('206', 1, 7400);
    await seedProfiles(runtime, [seedProfile(phone!, 'eligible', START)]);
    const created = await runtime.post<{
      campaignId: string;
      estimate: { segmentsPerMessage: number; segments: unknown };
      warnings?: { code: string }[];
    }>('/v1/campaigns', {
      name: 'Spring 152',
      body,
      segment: { phones: [phone] },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.estimate.segmentsPerMessage).toBe(1);
    expect(created.body.estimate.segments).toEqual({ min: 1, p50: 1, max: 1, mean: 1, sampled: 1 });
    expect((created.body.warnings ?? []).map((w) => w.code)).not.toContain('long_links');
    const { campaignId } = created.body;
    expect((await sendBatch(campaignId, [phone!])).failedMessageIds).toEqual([]);
    const [text] = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    expect(codeIn(text?.body)).toMatch(/^[0-9A-Za-z]{7}$/);
    expect(analyseMessage(text?.body ?? '').segments).toBe(1);
  });

  it('estimates each recipient’s segments as their text is sent', async () => {
    const phones = phoneNumbers('206', 3, 7500);
    const names = ['Ana', 'Maximiliana-Josefina', 'Bo'];
    await seedProfiles(
      runtime,
      phones.map((phone, i) =>
        seedProfile(phone, 'eligible', START, { properties: { first_name: names[i]! } }),
      ),
    );
    // 152 characters as sent to Ana (the brand, her name, the link on this origin): 1 segment; the
    // 20-character name takes it past 160, to 2.
    const opening = 'Acme Coffee: Hi Ana! Our spring roasts are in: ';
    const pad = 152 - opening.length - `${runtime.url}/xxxxxxx `.length;
    const body = `Hi {{ first_name | default: "there" }}! Our spring roasts are in: ${TARGET} ${'x'.repeat(pad)}`;
    const created = await runtime.post<{
      campaignId: string;
      estimate: { segmentsPerMessage: number; segments: unknown; costUsd: number };
    }>('/v1/campaigns', {
      name: 'Spring names',
      body,
      segment: { phones },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.estimate.segments).toEqual({ min: 1, p50: 1, max: 2, mean: 1.333, sampled: 3 });

    const { campaignId } = created.body;
    expect((await sendBatch(campaignId, phones)).failedMessageIds).toEqual([]);
    const sent = runtime.sms.outbox
      .filter((m) => m.context.campaignId === campaignId)
      .map((m) => analyseMessage(m.body).segments)
      .sort();
    expect(sent).toEqual([1, 1, 2]);
  });

  it('moves a link whose code another link holds to its next candidate, the same on redelivery', async () => {
    const [phone] = phoneNumbers('206', 1, 7300);
    await seedProfiles(runtime, [seedProfile(phone!, 'eligible', START)]);
    const campaignId = await createCampaign([phone!]);
    const env = runtime.environmentOf('campaignSender');
    const campaign = await runtime.lambdas.withEnvironment('campaignSender', () =>
      new DynamoCampaignStore(env.campaignsTable).get(campaignId),
    );
    const first = linkCode(campaign!.linkSalt, phone!, 0, 0, 7);
    const links = new DynamoLinkStore(env.linksTable);
    const other = {
      code: first,
      url: 'https://elsewhere.example/',
      phone: '+12065550000',
      messageId: 'campaign#other#+12065550000',
      createdAt: START.toISOString(),
      expiresAt: Math.floor(START.getTime() / 1000) + 86_400,
    };
    expect(await links.claim(other)).toBe(true);

    for (let delivery = 0; delivery < 2; delivery++) {
      expect((await sendBatch(campaignId, [phone!])).failedMessageIds).toEqual([]);
    }

    const texts = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    expect(texts).toHaveLength(1);
    expect(codeIn(texts[0]?.body)).toBe(linkCode(campaign!.linkSalt, phone!, 0, 1, 7));
    expect((await links.get(first))?.url).toBe('https://elsewhere.example/');
    expect((await links.get(linkCode(campaign!.linkSalt, phone!, 0, 1, 7)))?.url).toBe(TARGET);
  });
});
