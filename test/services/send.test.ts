/**
 * The rules of the one outbound path, on in-memory stores and gateway (held to the adapters by
 * test/adapters/store-contracts.test.ts): no runtime, so each rule runs in milliseconds. The same
 * rules end to end are in the handler, flow and campaign tests.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../lambdas/domain/clock';
import { newProfile, type Profile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { send, type SendRequest } from '../../lambdas/services/send';
import { InMemoryMessageStore } from '../support/fakes/message-store';
import { InMemoryProfileStore } from '../support/fakes/profile-store';
import { InMemorySmsGateway } from '../support/fakes/sms-gateway';

const NOW = '2026-04-14T16:00:00.000Z'; // 12:00 in New York
const PHONE = '+12125550100';
const config = RuntimeConfigSchema.parse({
  brand: 'Acme Coffee',
  supportContact: 'help@acme.example',
  messageFrequency: 'Up to 6 msgs/mo',
  termsUrl: 'https://acme.example/terms',
  privacyUrl: 'https://acme.example/privacy',
});

function world(profile?: Partial<Profile>) {
  const profiles = new InMemoryProfileStore();
  const messages = new InMemoryMessageStore();
  const gateway = new InMemorySmsGateway();
  const clock = fixedClock(NOW);
  if (profile)
    profiles.put({
      ...newProfile(PHONE, '2026-04-01T00:00:00.000Z'),
      marketing: 'subscribed',
      marketingConfirmedBy: 'double_opt_in',
      lastMarketingAt: '2026-04-01T00:00:00.000Z',
      ...profile,
    });
  const deps = { clock, config, profiles, messages, gateway };
  const marketing = (key: string, extra: Partial<SendRequest> = {}) =>
    send(deps, {
      to: PHONE,
      body: `Acme Coffee: offer ${key}`,
      messageClass: 'marketing',
      idempotencyKey: key,
      ...extra,
    });
  return { profiles, messages, gateway, clock, marketing };
}

describe('send() on in-memory stores', () => {
  it('sends a marketing text to a subscriber once per idempotency key, and records it sent', async () => {
    const { gateway, messages, marketing } = world({});
    expect(await marketing('k-1')).toMatchObject({ status: 'sent', messageId: 'k-1' });
    expect(await marketing('k-1')).toMatchObject({ status: 'duplicate' });
    expect(gateway.to(PHONE)).toHaveLength(1);
    expect(await messages.get('k-1')).toMatchObject({ status: 'sent', awsMessageId: 'fake-1' });
  });

  it('records a skip, and texts nothing, for an opted-out number or one that texted PAUSE', async () => {
    for (const profile of [
      { optedOutAt: '2026-04-10T00:00:00.000Z', marketing: 'unsubscribed' as const },
      { properties: { Paused: true } },
    ]) {
      const { gateway, messages, marketing } = world(profile);
      const result = await marketing('k-2');
      expect(result.status).toBe('skipped');
      expect(gateway.sent).toEqual([]);
      expect(await messages.get('k-2')).toMatchObject({ status: 'skipped' });
    }
  });

  it('defers a marketing text at night and records nothing, so the same key sends in the morning', async () => {
    const { gateway, messages, clock, marketing } = world({});
    clock.set('2026-04-15T03:30:00.000Z'); // 23:30 in New York
    const deferred = await marketing('k-3');
    expect(deferred).toMatchObject({ status: 'deferred', until: '2026-04-15T12:00:00.000Z' });
    expect(await messages.get('k-3')).toBeUndefined();
    clock.set('2026-04-15T12:00:00.000Z');
    expect(await marketing('k-3')).toMatchObject({ status: 'sent' });
    expect(gateway.to(PHONE)).toHaveLength(1);
  });

  it('skips a number End User Messaging holds on its opt-out list, whatever the profile says', async () => {
    const { gateway, messages, marketing } = world({});
    await gateway.putOptedOut(PHONE);
    const result = await marketing('k-4');
    expect(result.status).toBe('skipped');
    expect(gateway.sent).toEqual([]);
    expect(await messages.get('k-4')).toMatchObject({ status: 'skipped' });
  });
});
