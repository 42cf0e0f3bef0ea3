/** The welcome series on a number without MMS (one runtime per file: they share process.env). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

describe('welcome flow on a number without MMS', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: new Date('2026-03-03T18:00:00Z') });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('sends the contact-card step as plain text', async () => {
    const phone = '+12063990100';
    await subscribeByKeyword(runtime, phone);
    await waitFor(async () => (await runtime.outbox(phone)).length === 3, 15_000, 'message 1');
    await waitFor(
      () =>
        [...runtime.stepFunctions.executions.values()].some((e) => e.input.includes(phone) && e.waitingUntil),
      15_000,
      'the wait',
    );
    runtime.clock.advance(24 * 3600_000 + 60_000);
    const card = await waitFor(async () => (await runtime.outbox(phone))[3], 15_000, 'message 2');
    expect(card.messageType).toBe('PROMOTIONAL');
    expect(card.body).toBe('Acme Coffee: Save our number so you never miss a drop: this is Acme Coffee.');
  });
});
