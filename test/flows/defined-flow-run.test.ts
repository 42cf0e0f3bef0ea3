/**
 * Compiled flow definitions on the local runtime's Step Functions (aws-local-stepfunctions, waits on
 * the virtual clock), each task reaching the flow-step service over in-memory stores and gateway:
 * the branches a definition has, as the interpreter runs them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FlowDefinitionShape, type FlowDefinitionInput } from '../../lambdas/domain/flow-definition';
import { waitTimes } from '../../lambdas/domain/flow-steps';
import type { Profile } from '../../lambdas/domain/profile';
import { runDefinedStep } from '../../lambdas/services/flows';
import { settleWork } from '../../local/settle';
import { compiledFlow, FLOW_STEP_FUNCTION_ARN, subscriber } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const NOON_NEW_YORK = new Date('2026-05-05T16:00:00.000Z');
const HOUR = 3600_000;

const browse: FlowDefinitionInput = {
  id: 'browseAbandonment',
  trigger: { event: 'ProductViewed' },
  limits: { deadlineHours: 24 },
  steps: [
    { kind: 'wait', id: 'twoHours', delayMinutes: 120 },
    { kind: 'condition', id: 'noCartOrOrder', if: { noEventSince: ['CartAbandoned', 'OrderPlaced'] } },
    {
      kind: 'split',
      id: 'copy',
      random: [
        { name: 'short', weight: 1, next: 'shortText' },
        { name: 'long', weight: 1, next: 'longText' },
      ],
    },
    { kind: 'send', id: 'shortText', body: 'Still looking at {{ event.product_id }}?', next: 'exit' },
    { kind: 'send', id: 'longText', body: 'You looked at {{ event.product_id }}. It is still here.' },
  ],
};

function world() {
  const definition = FlowDefinitionShape.parse(browse);
  const flow = compiledFlow(definition, { start: NOON_NEW_YORK });
  const subscribe = (extra: Partial<Profile> = {}) =>
    flow.profiles.put(subscriber(PHONE, '2026-04-01T00:00:00.000Z', extra));
  const view = (name: string, viewedAt = flow.clock.now().toISOString()) => {
    const event = { type: 'ProductViewed', phone: PHONE, productId: 'beans-1', viewedAt };
    return flow.startExecution(name, {
      flow: definition.id,
      phone: PHONE,
      event,
      eventAt: viewedAt,
      deadline: new Date(Date.parse(viewedAt) + 24 * HOUR).toISOString(),
      waits: waitTimes(definition, event),
    });
  };
  return { ...flow, subscribe, view };
}

describe('a compiled flow definition', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('waits two hours, checks, picks a branch and sends one text through send()', async () => {
    const w = (current = world());
    w.subscribe();
    const execution = w.view('view-1');
    await settleWork(w.emulator);
    expect(execution.currentState).toBe('TwoHoursWait');
    expect(w.gateway.sent).toEqual([]);

    w.clock.advance(2 * HOUR);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(w.tasks.map((t) => t.step)).toEqual(['noCartOrOrder', 'copy', expect.stringMatching(/Text$/)]);
    expect(new Set(w.tasks.map((t) => t.functionArn))).toEqual(new Set([FLOW_STEP_FUNCTION_ARN]));
    const [text] = w.gateway.to(PHONE);
    expect(text).toMatch(
      /^Acme Coffee: (Still looking at beans-1\?|You looked at beans-1\. It is still here\.)/,
    );
    expect(execution.tasks.map((t) => t.state)).toEqual([
      'NoCartOrOrderTask',
      'CopyTask',
      expect.stringMatching(/TextTask$/),
    ]);
  });

  it('exits without a text when an order came after the view', async () => {
    const w = (current = world());
    w.subscribe();
    const execution = w.view('view-2');
    await settleWork(w.emulator);
    w.profiles.put({
      ...(await w.profiles.get(PHONE))!,
      lastOrderAt: new Date(w.clock.now().getTime() + HOUR).toISOString(),
    });
    w.clock.advance(2 * HOUR);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ last: { matched: false } });
    expect(w.tasks.map((t) => t.step)).toEqual(['noCartOrOrder']);
    expect(w.gateway.sent).toEqual([]);
  });

  it('ends, texting nothing, when the subscriber opted out during the wait', async () => {
    const w = (current = world());
    w.subscribe();
    const execution = w.view('view-3');
    await settleWork(w.emulator);
    w.subscribe({ marketing: 'unsubscribed', optedOutAt: w.clock.now().toISOString() });
    w.clock.advance(2 * HOUR);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      last: { status: 'ended', reason: 'opted_out' },
    });
    expect(w.gateway.sent).toEqual([]);
  });

  it('holds the text for quiet hours and sends it in the morning', async () => {
    const w = (current = world());
    w.clock.set(new Date('2026-05-06T00:30:00.000Z')); // 20:30 in New York
    w.subscribe();
    const execution = w.view('view-4');
    await settleWork(w.emulator);
    w.clock.advance(2 * HOUR); // 22:30: quiet hours
    await settleWork(w.emulator);
    expect(execution.currentState).toMatch(/TextWaitForQuietHoursEndWait$/);
    expect(w.gateway.sent).toEqual([]);

    w.clock.set(new Date('2026-05-06T12:00:00.000Z')); // 08:00
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(w.gateway.to(PHONE)).toHaveLength(1);
  });

  it('takes both branches of the random split across subscribers’ executions', async () => {
    const w = (current = world());
    w.subscribe();
    const branches = new Set<string>();
    for (let i = 0; i < 12 && branches.size < 2; i++) {
      w.clock.set(new Date(NOON_NEW_YORK.getTime() + i * 24 * HOUR)); // each view at noon, a day apart
      const execution = w.view(`split-${i}`);
      await settleWork(w.emulator);
      w.clock.advance(2 * HOUR);
      await execution.done;
      branches.add(execution.tasks.at(-1)?.state ?? '');
    }
    expect([...branches].sort()).toEqual(['LongTextTask', 'ShortTextTask']);
  });

  it("counts each execution's branch and the texts each branch sent, once however often a task runs", async () => {
    const w = (current = world());
    w.subscribe();
    const taken: string[] = [];
    for (let i = 0; i < 6; i++) {
      // Three days apart: smart sending lets each text through.
      w.clock.set(new Date(NOON_NEW_YORK.getTime() + i * 72 * HOUR));
      const execution = w.view(`count-${i}`);
      await settleWork(w.emulator);
      w.clock.advance(2 * HOUR);
      await execution.done;
      taken.push(execution.tasks.at(-1)?.state === 'ShortTextTask' ? 'short' : 'long');
    }
    const short = taken.filter((b) => b === 'short').length;
    const counters = await w.flowStats.get('browseAbandonment');
    expect(counters).toEqual({
      sent: 6,
      ...(short ? { 'copy/short/entered': short, 'copy/short/sent': short } : {}),
      ...(short < 6 ? { 'copy/long/entered': 6 - short, 'copy/long/sent': 6 - short } : {}),
    });

    // The split's task and a send's task run again (a Lambda retry): nothing more is counted.
    const [split, send] = w.tasks.slice(-2);
    await runDefinedStep(w.deps, split!);
    await runDefinedStep(w.deps, send!);
    expect(await w.flowStats.get('browseAbandonment')).toEqual(counters);
  });
});
