/**
 * GET /_local/executions?phone=: a number's flow runs, where each is (the state it entered last, the
 * time a Wait waits for) and what each step decided, with the skip or deferral reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

interface Step {
  state: string;
  at: string;
  step?: string;
  status?: string;
  reason?: string | null;
  until?: string | null;
  error?: string;
}
interface Execution {
  flow: string;
  name: string;
  status: string;
  startedAt: string;
  stoppedAt: string | null;
  currentState: string | null;
  waitingUntil: string | null;
  steps: Step[];
  error: string | null;
}
interface Executions {
  phone: string;
  executions: Execution[];
  error?: { field?: string };
}

const HOUR = 3600_000;

describe('GET /_local/executions', () => {
  let runtime: TestRuntime;
  const executions = async (phone: string) =>
    (await runtime.get<Executions>(`/_local/executions?phone=${encodeURIComponent(phone)}`)).body.executions;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: new Date('2026-03-05T21:00:00Z'), // 13:00 in Seattle
      config: {
        origination: { kind: 'provision', isoCountryCode: 'US', numberType: 'SIMULATOR', mms: true },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('shows a welcome run step by step: sent, held for quiet hours, ended by an opt-out', async () => {
    const phone = '+12063000100'; // Seattle
    await subscribeByKeyword(runtime, phone);

    // Message 1 went; the run waits a day for message 2.
    const [first] = await waitFor(
      async () => {
        const runs = await executions(phone);
        return runs[0]?.currentState === 'Message2DelayWait' && runs[0].waitingUntil ? runs : undefined;
      },
      15_000,
      'the step delay',
    );
    expect(first).toMatchObject({
      flow: 'welcome',
      status: 'RUNNING',
      stoppedAt: null,
      steps: [{ state: 'Message1TextTask', step: 'message1Text', status: 'sent', reason: null, until: null }],
    });
    // A day after message 1 (the clock runs on in real time meanwhile).
    expect(first?.waitingUntil?.slice(0, 16)).toBe('2026-03-06T21:00');

    // Message 2 falls due at 23:00 in Seattle: held until 08:00.
    runtime.clock.advance(34 * HOUR);
    const [held] = await waitFor(
      async () => {
        const runs = await executions(phone);
        return runs[0]?.currentState === 'Message2TextWaitForQuietHoursEndWait' && runs[0].waitingUntil
          ? runs
          : undefined;
      },
      15_000,
      'the quiet-hours wait',
    );
    expect(held).toMatchObject({
      status: 'RUNNING',
      waitingUntil: '2026-03-07T16:00:00.000Z',
    });
    expect(held?.steps[1]).toMatchObject({
      state: 'Message2TextTask',
      step: 'message2Text',
      status: 'deferred',
      reason: 'quiet_hours',
      until: '2026-03-07T16:00:00.000Z',
    });

    // An opt-out overnight: in the morning the step ends the run instead of sending.
    await runtime.text(phone, 'STOP');
    runtime.clock.set(new Date('2026-03-07T16:00:30Z'));
    const [ended] = await waitFor(
      async () => {
        const runs = await executions(phone);
        return runs[0]?.status !== 'RUNNING' ? runs : undefined;
      },
      15_000,
      'the run to end',
    );
    expect(ended).toMatchObject({
      status: 'SUCCEEDED',
      currentState: 'ConsentEndedSucceed',
      waitingUntil: null,
    });
    expect(ended?.stoppedAt).not.toBeNull();
    expect(ended?.steps.at(-1)).toMatchObject({ step: 'message2Text', status: 'ended', reason: 'opted_out' });
    expect(ended?.steps).toHaveLength(3);
  });

  it('lists no runs for a number without any', async () => {
    const result = await runtime.get<Executions>('/_local/executions?phone=%2B12063009999');
    expect(result).toEqual({ status: 200, body: { phone: '+12063009999', executions: [] } });
  });

  it.each(['', '?phone=12063000100', '?phone=%2B1'])('refuses %j naming phone', async (query) => {
    const result = await runtime.get<Executions>(`/_local/executions${query}`);
    expect(result.status).toBe(400);
    expect(result.body.error?.field).toBe('phone');
  });
});
