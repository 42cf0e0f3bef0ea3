/**
 * The two End User Messaging clients: keyword replies keep the SDK's retries, with room to ride
 * out a second of throttling; sends whose caller decides again before a retry make one attempt.
 */
import { describe, expect, it } from 'vitest';
import { SMS_MAX_ATTEMPTS, smsClient, smsClientWithoutRetries } from '../../lambdas/adapters/aws-clients';

describe('End User Messaging retries', () => {
  it('gives compliance replies 5 attempts and caller-retried sends 1', async () => {
    expect(SMS_MAX_ATTEMPTS).toBe(5);
    expect(await smsClient().config.maxAttempts()).toBe(5);
    expect(await smsClientWithoutRetries().config.maxAttempts()).toBe(1);
  });
});
