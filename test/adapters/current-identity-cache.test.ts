/** The origination identity cache every sending function keeps after a number change. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CurrentIdentityCache } from '../../lambdas/adapters/number-change-store';
import { type CurrentIdentity } from '../../lambdas/domain/stores/number-change';

const identity = (phoneNumber: string): CurrentIdentity => ({
  identity: `arn:aws:sms-voice:us-east-1:000000000000:phone-number/${phoneNumber}`,
  phoneNumber,
  since: '2026-11-01T00:00:00.000Z',
  byChange: 'change-1',
});

describe('CurrentIdentityCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shares one read among the sends in flight together and keeps it for its time to live', async () => {
    vi.useFakeTimers({ now: 0 });
    const current = vi.fn().mockResolvedValue(identity('+12065550100'));
    const cache = new CurrentIdentityCache({ current }, 60_000);
    const values = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(values.map((v) => v?.phoneNumber)).toEqual(['+12065550100', '+12065550100', '+12065550100']);
    expect(current).toHaveBeenCalledTimes(1);

    vi.setSystemTime(59_999);
    await cache.get();
    expect(current).toHaveBeenCalledTimes(1);
    current.mockResolvedValue(identity('+12065550111'));
    vi.setSystemTime(60_000);
    expect((await cache.get())?.phoneNumber).toBe('+12065550111');
    expect(current).toHaveBeenCalledTimes(2);
  });

  it('reads every time with a time to live of 0', async () => {
    const current = vi.fn().mockResolvedValue(undefined);
    const cache = new CurrentIdentityCache({ current }, 0);
    await cache.get();
    await cache.get();
    expect(current).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed read', async () => {
    const current = vi
      .fn()
      .mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException'))
      .mockResolvedValue(identity('+12065550100'));
    const cache = new CurrentIdentityCache({ current }, 60_000);
    await expect(cache.get()).rejects.toThrow('ProvisionedThroughput');
    expect((await cache.get())?.phoneNumber).toBe('+12065550100');
    expect(current).toHaveBeenCalledTimes(2);
  });
});
