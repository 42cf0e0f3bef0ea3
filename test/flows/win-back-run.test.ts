/**
 * The built-in win-back flow as compiled, on the local runtime's Step Functions interpreter, its
 * task reaching the flow-step service over in-memory stores: the 180-day limit read back past many
 * other texts, and the exit for an order after the one the customer lapsed from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { WIN_BACK } from '../../lambdas/domain/flow-definitions-config';
import { customerLapsedEvent } from '../../lambdas/domain/lapsed-customers';
import type { MessageRecord } from '../../lambdas/domain/stores/message';
import { settleWork } from '../../local/settle';
import { compiledFlow, subscriber } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const NOON_NEW_YORK = new Date('2026-12-03T17:00:00.000Z');
const DAY = 24 * 3600_000;
const LAST_ORDER = new Date(NOON_NEW_YORK.getTime() - 91 * DAY).toISOString();

function world() {
  const flow = compiledFlow(FlowDefinitionShape.parse(WIN_BACK), { start: NOON_NEW_YORK });
  /** A text sent `daysAgo` days ago, by the flow or a campaign. */
  const sentBefore = (messageId: string, daysAgo: number, flowId?: string) => {
    const record: MessageRecord = {
      messageId,
      phone: PHONE,
      at: new Date(NOON_NEW_YORK.getTime() - daysAgo * DAY).toISOString(),
      direction: 'outbound',
      status: 'delivered',
      body: 'Acme Coffee: hello',
      messageClass: 'marketing',
      ...(flowId ? { flowId } : { campaignId: 'cmp_0123456789' }),
      expiresAt: 4_102_444_800,
    };
    return flow.messages.putIfAbsent(record);
  };
  const lapse = () => {
    const event = customerLapsedEvent({ phone: PHONE, lastOrderAt: LAST_ORDER }, 90, NOON_NEW_YORK);
    return flow.trigger('CustomerLapsed', event.detail, event.at);
  };
  return { ...flow, sentBefore, lapse };
}

describe('the compiled win-back flow', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('texts a lapsed subscriber once', async () => {
    const w = (current = world());
    await w.profiles.put(subscriber(PHONE, '2026-01-01T00:00:00.000Z', { lastOrderAt: LAST_ORDER }));
    const [execution] = w.lapse();
    await execution?.done;
    expect(execution?.currentState).toBe('FlowDoneSucceed');
    expect(w.gateway.to(PHONE)).toEqual([
      'Acme Coffee: Hi, we miss you! It has been a while since your last order: come and see what is new.',
    ]);
  });

  it('skips the text when the flow texted the number within 180 days, however many texts came since', async () => {
    const w = (current = world());
    await w.profiles.put(subscriber(PHONE, '2026-01-01T00:00:00.000Z', { lastOrderAt: LAST_ORDER }));
    await w.sentBefore('flow#winBack-earlier#winBackText', 170, 'winBack');
    for (let i = 0; i < 150; i++) await w.sentBefore(`campaign-${i}`, 160 - i);
    const [execution] = w.lapse();
    await execution?.done;
    expect(w.gateway.sent).toEqual([]);
    const skip = [...w.messages.records.values()].find((m) => m.status === 'skipped');
    expect(skip).toMatchObject({ flowId: 'winBack', reason: 'flow_limit' });
  });

  it('ends at its text for an order after the one the customer lapsed from, one dated before the sweep too', async () => {
    const w = (current = world());
    const lateOrder = new Date(NOON_NEW_YORK.getTime() - 20 * DAY).toISOString();
    await w.profiles.put(subscriber(PHONE, '2026-01-01T00:00:00.000Z', { lastOrderAt: lateOrder }));
    const [execution] = w.lapse();
    await settleWork(w.emulator);
    await execution?.done;
    expect(execution?.currentState).toBe('FlowExitedSucceed');
    expect(w.gateway.sent).toEqual([]);
  });
});
