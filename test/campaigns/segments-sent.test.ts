/**
 * What a campaign text costs, as sent: smart encoding makes a body whose only non-GSM-7 characters
 * are curly quotes a GSM-7 text (the record keeps the body as written), each record stores its text's
 * real segments and encoding, and the campaign counts the segments it sent, one recipient's name
 * pushing their text over a boundary included. Against the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { campaignMessageId } from '../../lambdas/domain/campaign-send-decision';
import { analyseMessage } from '../../lambdas/domain/message-format';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T19:00:00Z');
const OPENING = 'Hi {{ first_name | default: "there" }}, it’s our “Spring” sale. ';
// As sent for "Al", straight quotes: 150 characters, one GSM-7 segment; a 21-character name makes it 169.
const FILLER = 'Fresh roast, free shipping over $30 '
  .repeat(5)
  .slice(0, 150 - 'Acme Coffee: Hi Al, it\'s our "Spring" sale. '.length);

describe('segments of the texts a campaign sends', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('sends curly quotes as straight ones, records the body as written, and counts the segments sent', async () => {
    const [short, long] = phoneNumbers('206', 2, 7400);
    await seedProfiles(runtime, [
      seedProfile(short!, 'eligible', START, { properties: { first_name: 'Al' } }),
      seedProfile(long!, 'eligible', START, { properties: { first_name: 'Bartholomew-Alexander' } }),
    ]);
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Spring',
      body: `${OPENING}${FILLER}`,
      segment: { phones: [short, long] },
      sendAt: runtime.clock.now().toISOString(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { campaignId } = created.body;
    runtime.clock.advance(2 * 60_000);
    await runtime.settle();

    const texts = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    const shortText = texts.find((m) => m.to === short)?.body ?? '';
    const longText = texts.find((m) => m.to === long)?.body ?? '';
    expect(shortText).toBe(`Acme Coffee: Hi Al, it's our "Spring" sale. ${FILLER}`);
    expect(analyseMessage(shortText)).toMatchObject({ encoding: 'GSM-7', characters: 150, segments: 1 });
    expect(analyseMessage(longText)).toMatchObject({ encoding: 'GSM-7', segments: 2 });

    const store = new DynamoMessageStore(runtime.environmentOf('campaignSender').messagesTable);
    const record = await store.get(campaignMessageId(campaignId, short!));
    expect(record?.body).toBe(`Acme Coffee: Hi Al, it’s our “Spring” sale. ${FILLER}`);
    expect(analyseMessage(record?.body ?? '').segments).toBe(3);
    expect(record).toMatchObject({ segments: 1, encoding: 'GSM-7' });
    expect(await store.get(campaignMessageId(campaignId, long!))).toMatchObject({
      segments: 2,
      encoding: 'GSM-7',
    });

    const view = await runtime.get<{ counters: { sent: number; segments: number } }>(
      `/v1/campaigns/${campaignId}`,
    );
    expect(view.body.counters).toMatchObject({ sent: 2, segments: 3 });
  });
});
