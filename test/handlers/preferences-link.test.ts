/**
 * GET /v1/profiles/{phone}/preferences-link: a support agent's link to a number's preference page,
 * made with the stack's secret through the local Secrets Manager (under the function's IAM policy).
 */
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsManagerPreferenceKeys } from '../../lambdas/adapters/preference-keys';
import { openPreferenceToken } from '../../lambdas/services/preference-links';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, type TestRuntime } from '../support/local-runtime';

const START = new Date('2026-11-12T16:00:00Z');

describe('preference links for support agents', () => {
  let runtime: TestRuntime;
  const link = (phone: string) =>
    runtime.get<{ url: string; expiresAt: string; error?: { code: string; field?: string } }>(
      `/v1/profiles/${encodeURIComponent(phone)}/preferences-link`,
    );
  const tokenOf = (url: string) => url.slice(`${runtime.url}/p/`.length);

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers a /p/ link with a 22-character token that shows no part of the number', async () => {
    const phone = '+12125550171';
    await subscribeByKeyword(runtime, phone);
    const { status, body } = await link(phone);
    expect(status).toBe(200);
    expect(body.url.startsWith(`${runtime.url}/p/`)).toBe(true);
    expect(tokenOf(body.url)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.url).not.toContain('5550171');
    // 60 days by default, to the end of the day (UTC).
    expect(body.expiresAt).toBe('2027-01-12T00:00:00.000Z');
  });

  it('answers 404 for a number Optline does not know, and 400 naming a bad number', async () => {
    expect((await link('+12125550999')).status).toBe(404);
    const bad = await link('12');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toBe('phone');
  });

  it('keeps links made before a rotation opening, and makes new ones with the new key', async () => {
    const phone = '+12125550172';
    await subscribeByKeyword(runtime, phone);
    const before = tokenOf((await link(phone)).body.url);
    const arn = runtime.environmentOf('profilesApi').preferenceKey;
    await new SecretsManagerClient({}).send(
      new PutSecretValueCommand({
        SecretId: arn,
        SecretString: 'a-new-value-written-by-the-operator-0123456789',
      }),
    );
    // A fresh reader, as a function started after the rotation (or five minutes later) has.
    const keys = new SecretsManagerPreferenceKeys(arn, runtime.clock);
    expect(await keys.all()).toHaveLength(2);
    expect((await openPreferenceToken(keys, before, runtime.clock.now()))?.phone).toBe(phone);
    runtime.clock.advance(6 * 60_000);
    const after = tokenOf((await link(phone)).body.url);
    expect(after).not.toBe(before);
    expect((await openPreferenceToken(keys, after, runtime.clock.now()))?.phone).toBe(phone);
  });
});
