/**
 * A send step's own options, compiled and run on the local runtime's Step Functions interpreter
 * (aws-local-stepfunctions, waits on the virtual clock), each task reaching the flow-step service over
 * in-memory stores and gateway: media sent as MMS, and a text's own deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FlowDefinitionShape, type FlowDefinitionInput } from '../../lambdas/domain/flow-definition';
import { flowDefinitionProblems } from '../../lambdas/domain/flow-validation';
import { settleWork } from '../../local/settle';
import { compiledFlow, subscriber } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const HOUR = 3600_000;
const MEDIA = 's3://acme-media/beans.jpg';

// A view at 20:30 in New York: the first text goes at once, the second is due an hour later, in
// quiet hours, which would hold it to the morning.
const EVENING_NEW_YORK = new Date('2026-05-06T00:30:00.000Z');

const viewed: FlowDefinitionInput = {
  id: 'lookAgain',
  trigger: { event: 'ProductViewed' },
  limits: { deadlineHours: 24 },
  steps: [
    { kind: 'send', id: 'photoText', body: 'Here it is: {{ event.product_id }}', mediaUrls: [MEDIA] },
    { kind: 'wait', id: 'anHour', delayMinutes: 60 },
    // Worth sending this evening only (and not held back for the first text by smart sending).
    {
      kind: 'send',
      id: 'tonightText',
      body: 'Still there tonight',
      deadlineHours: 3,
      smartSending: false,
    },
  ],
};

function world() {
  const definition = FlowDefinitionShape.parse(viewed);
  const flow = compiledFlow(definition, { start: EVENING_NEW_YORK });
  void flow.profiles.put(subscriber(PHONE, '2026-04-01T00:00:00.000Z'));
  const at = flow.clock.now().toISOString();
  const [execution] = flow.trigger(
    'ProductViewed',
    { type: 'ProductViewed', phone: PHONE, productId: 'beans-1', viewedAt: at },
    at,
  );
  return { ...flow, definition, execution };
}

describe('a send step’s media and deadline', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('sends the media with the text as MMS, and skips a text its own deadline has passed', async () => {
    const w = (current = world());
    expect(flowDefinitionProblems(w.definition)).toEqual([]);
    await settleWork(w.emulator);
    expect(w.execution?.currentState).toBe('AnHourWait');
    w.clock.advance(HOUR);
    await settleWork(w.emulator);
    // Skipped, not held until the morning.
    expect(w.execution?.currentState).toBe('FlowDoneSucceed');
    expect(w.gateway.sent.map((m) => [m.body, m.mediaUrls])).toEqual([
      ['Acme Coffee: Here it is: beans-1', [MEDIA]],
    ]);
    const skipped = await w.messages.get(`flow#${w.execution?.name}#tonightText`);
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'quiet_hours_deadline' });
  });
});
