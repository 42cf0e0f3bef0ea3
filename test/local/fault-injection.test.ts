import { describe, expect, it } from 'vitest';
import { noFaults, withFaults } from '../../local/aws/fault-injection';
import { AnswerLost, AwsError, JSON_DENIAL, type JsonService } from '../../local/aws/protocol';

function service(calls: string[]): JsonService {
  return {
    targetPrefix: 'Test',
    operations: {
      Send: (input) => {
        calls.push(`Send ${String(input.n)}`);
        return { ok: true };
      },
      Describe: () => {
        calls.push('Describe');
        return { list: [] };
      },
    },
    access: () => [],
    denial: JSON_DENIAL,
  };
}

describe('fault injection beside an emulator', () => {
  it('passes every call through while the rates are 0', async () => {
    const calls: string[] = [];
    const wrapped = withFaults(service(calls), { operations: ['Send'], faults: noFaults() });
    expect(await wrapped.operations.Send!({ n: 1 })).toEqual({ ok: true });
    expect(calls).toEqual(['Send 1']);
  });

  it('refuses a call with a server error or a throttle before it is done, and counts it', async () => {
    const calls: string[] = [];
    const refusals: string[] = [];
    const faults = { ...noFaults(), serverErrorRate: 1 };
    const wrapped = withFaults(service(calls), {
      operations: ['Send'],
      faults,
      onRefusal: (reason) => refusals.push(reason),
    });
    await expect(Promise.resolve(wrapped.operations.Send!({ n: 1 }))).rejects.toMatchObject({
      type: 'InternalServerException',
      status: 500,
    });
    faults.serverErrorRate = 0;
    faults.throttleRate = 1;
    const throttled = await Promise.resolve(wrapped.operations.Send!({ n: 2 })).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(AwsError);
    expect((throttled as AwsError).type).toBe('ThrottlingException');
    expect(calls).toEqual([]);
    expect(refusals).toEqual(['InternalServerException', 'ThrottlingException']);
  });

  it('does a call and loses its answer, and leaves other operations alone', async () => {
    const calls: string[] = [];
    const faults = { ...noFaults(), lostAnswerRate: 1, serverErrorRate: 0 };
    const wrapped = withFaults(service(calls), { operations: ['Send'], faults });
    await expect(Promise.resolve(wrapped.operations.Send!({ n: 3 }))).rejects.toBeInstanceOf(AnswerLost);
    faults.serverErrorRate = 1;
    expect(await wrapped.operations.Describe!({})).toEqual({ list: [] });
    expect(calls).toEqual(['Send 3', 'Describe']);
  });

  it('fails the share of calls its rate says, by its chance source', async () => {
    const rolls = [0.1, 0.9, 0.4, 0.6];
    let i = 0;
    const calls: string[] = [];
    const wrapped = withFaults(service(calls), {
      operations: ['Send'],
      faults: { ...noFaults(), throttleRate: 0.5 },
      // Each call rolls for a server error first (rate 0: never), then for a throttle.
      random: () => (i++ % 2 === 0 ? 0.99 : (rolls.shift() ?? 1)),
    });
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        Promise.resolve(wrapped.operations.Send!({ n })).then(
          () => 'ok',
          () => 'throttled',
        ),
      ),
    );
    expect(results).toEqual(['throttled', 'ok', 'throttled', 'ok']);
  });
});
