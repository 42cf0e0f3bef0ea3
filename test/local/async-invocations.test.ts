import { describe, expect, it } from 'vitest';
import { AsyncInvocations } from '../../local/aws/async-invocations';

describe('asynchronous invocation (SNS → Lambda)', () => {
  it('retries a failed invocation in the background until it succeeds', async () => {
    const invocations = new AsyncInvocations({ retryDelaysMs: [10, 20] });
    let calls = 0;
    const succeeded = await invocations.invoke(async () => {
      calls += 1;
      if (calls < 3) throw new Error(`attempt ${calls} failed`);
    });
    expect(succeeded).toBe(false);
    expect(calls).toBe(1);
    await invocations.settle();
    expect(calls).toBe(3);
    expect(invocations.failures).toEqual([]);
  });

  it('gives up after the retries, recording the last error', async () => {
    const errors: unknown[] = [];
    const invocations = new AsyncInvocations({ retryDelaysMs: [5, 5], onError: (e) => errors.push(e) });
    let calls = 0;
    await invocations.invoke(async () => {
      calls += 1;
      throw new Error(`attempt ${calls} failed`);
    });
    await invocations.settle();
    expect(calls).toBe(3);
    expect(invocations.failures).toEqual([{ error: 'Error: attempt 3 failed' }]);
    expect(errors).toHaveLength(1);
  });

  it('does not retry an invocation that succeeded', async () => {
    const invocations = new AsyncInvocations({ retryDelaysMs: [5] });
    let calls = 0;
    expect(await invocations.invoke(async () => (calls += 1))).toBe(true);
    await invocations.settle();
    expect(calls).toBe(1);
  });
});
