/**
 * The cross-sell example of docs/flows.md, compiled and run on the local runtime's Step Functions
 * interpreter (aws-local-stepfunctions, waits on the virtual clock), each task reaching the
 * flow-step service over in-memory stores: `notOrdered` reads the customer's orders.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileFlow } from '../../lambdas/domain/flow-compiler';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { flowDefinitionProblems } from '../../lambdas/domain/flow-validation';
import { compiledFlow, subscriber } from '../support/compiled-flow';
import { InMemoryActivityStore } from '../support/fakes/activity-store';
import { ROOT } from '../support/root';

const PHONE = '+12125550100'; // New York
const NOON_NEW_YORK = new Date('2026-05-05T16:00:00.000Z');
const DAY = 24 * 3600_000;
const TEXT = 'Acme Coffee: Fresh beans deserve a fresh grind. Our burr grinder: https://shop.example/grinder';

const doc = readFileSync(resolve(ROOT, 'docs/flows.md'), 'utf8');
const example = /### Example: a cross-sell[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
const definition = FlowDefinitionShape.parse(JSON.parse(example ?? ''));

function world() {
  const activity = new InMemoryActivityStore();
  const flow = compiledFlow(definition, { start: NOON_NEW_YORK, deps: { activity } });
  const { clock, profiles } = flow;
  void profiles.put(subscriber(PHONE, '2026-01-01T00:00:00.000Z'));
  /** An order as the events API records it; `trigger` also starts the flow for it. */
  const order = async (orderId: string, productIds: string[], placedAt = clock.now(), trigger = true) => {
    const detail = {
      type: 'OrderPlaced',
      phone: PHONE,
      orderId,
      total: 14,
      placedAt: placedAt.toISOString(),
      items: productIds.map((productId) => ({ productId, name: productId, quantity: 1, price: 14 })),
    };
    await activity.putIfAbsent({
      phone: PHONE,
      activityKey: `order#${orderId}`,
      type: 'OrderPlaced',
      at: detail.placedAt,
      detail,
      aggregated: true,
      expiresAt: 0,
    });
    return trigger ? flow.trigger('OrderPlaced', detail, detail.placedAt) : [];
  };
  return { ...flow, order };
}

describe('the cross-sell example', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('is a valid definition, whose condition state says what it asks', () => {
    expect(flowDefinitionProblems(definition)).toEqual([]);
    expect(compileFlow(definition).States.NoGrinderYetTask?.Comment).toContain(
      'no order of grinder-1 in 365 days',
    );
  });

  it('texts a customer who never ordered the grinder, a week after the order', async () => {
    const w = (current = world());
    const [execution] = await w.order('A-1', ['beans-1']);
    w.clock.advance(7 * DAY);
    await execution?.done;
    expect(execution?.tasks.map((t) => t.state)).toEqual(['NoGrinderYetTask', 'GrinderTextTask']);
    expect(w.gateway.to(PHONE)).toEqual([TEXT]);
  });

  it('sends nothing to a customer who ordered the grinder in the year, before or since', async () => {
    const w = (current = world());
    await w.order('A-0', ['grinder-1'], new Date(NOON_NEW_YORK.getTime() - 200 * DAY), false);
    const [before] = await w.order('A-2', ['beans-1']);
    w.clock.advance(7 * DAY);
    await before?.done;
    expect(before?.currentState).toBe('FlowExitedSucceed');

    const w2 = (current = world());
    const [since] = await w2.order('A-3', ['beans-1']);
    w2.clock.advance(3 * DAY);
    await w2.order('A-4', ['mug', 'grinder-1'], w2.clock.now(), false);
    w2.clock.advance(4 * DAY);
    await since?.done;
    expect(since?.currentState).toBe('FlowExitedSucceed');
    expect([...w.gateway.sent, ...w2.gateway.sent]).toEqual([]);
    w.emulator.stopAll();
  });

  it('counts only the last withinDays: a grinder bought 400 days ago does not hold the text', async () => {
    const w = (current = world());
    await w.order('A-5', ['grinder-1'], new Date(NOON_NEW_YORK.getTime() - 400 * DAY), false);
    const [execution] = await w.order('A-6', ['beans-1']);
    w.clock.advance(7 * DAY);
    await execution?.done;
    expect(w.gateway.to(PHONE)).toEqual([TEXT]);
  });
});
