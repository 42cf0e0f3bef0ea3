import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../lambdas/domain/flow-compiler';
import { FlowDefinitionShape, type FlowDefinitionInput } from '../../lambdas/domain/flow-definition';
import { WIN_BACK } from '../../lambdas/domain/flow-definitions-config';
import { conditionHolds, exitEventSince } from '../../lambdas/domain/flow-steps';
import { definedFlowExecutionNames, definedFlowStarts } from '../../lambdas/domain/flow-starts';
import { flowDefinitionProblems } from '../../lambdas/domain/flow-validation';
import {
  customerLapsedEvent,
  lapseDaysToSweep,
  lapseWindow,
  LAPSE_LOOKBACK_DAYS,
} from '../../lambdas/domain/lapsed-customers';
import { newProfile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { lastOrderIndexAttributes } from '../../lambdas/domain/stores/lapsed-customers';

const DAY = 86_400_000;
const PHONE = '+12065550100';
const NOW = new Date('2026-12-03T15:00:00.000Z');

const configured = (entries: unknown[]) =>
  RuntimeConfigSchema.parse({
    brand: 'Acme Coffee',
    supportContact: 'help@acme.example',
    flows: { definitions: entries },
  }).flows.definitions;
const winBackOf = (entries: unknown[]) => configured(entries).find((d) => d.id === 'winBack');
const problemsOf = (input: FlowDefinitionInput) =>
  flowDefinitionProblems(FlowDefinitionShape.parse(input)).map((p) => `${p.path.join('.')}: ${p.message}`);

describe('the sweep window', () => {
  it('looks for last orders that fell due, lapseDays old, over the lookback days', () => {
    expect(LAPSE_LOOKBACK_DAYS).toBe(7);
    expect(lapseWindow(NOW, 90)).toEqual({
      from: '2026-08-28T15:00:00.000Z',
      to: '2026-09-04T15:00:00.000Z',
    });
  });

  it('finds a customer on each of the daily sweeps of the lookback, so one missed sweep loses nobody', () => {
    const lastOrderAt = new Date(NOW.getTime() - 90 * DAY - 1000).toISOString();
    const found = (daysLater: number) => {
      const { from, to } = lapseWindow(new Date(NOW.getTime() + daysLater * DAY), 90);
      return from <= lastOrderAt && lastOrderAt <= to;
    };
    expect([-1, 0, 1, 2, 3, 4, 5, 6, 7].map(found)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('sweeps the days of each enabled win-back flow once', () => {
    const winBack = FlowDefinitionShape.parse(WIN_BACK);
    expect(lapseDaysToSweep([winBack])).toEqual([90]);
    expect(
      lapseDaysToSweep([
        { ...winBack, lapseDays: 120 },
        { ...winBack, id: 'lateWinBack', lapseDays: 365 },
        { ...winBack, id: 'again', lapseDays: 120 },
        { ...winBack, id: 'off', lapseDays: 30, enabled: false },
      ]),
    ).toEqual([120, 365]);
    expect(lapseDaysToSweep(configured([{ id: 'winBack', enabled: false }]))).toEqual([]);
  });

  it('publishes one CustomerLapsed per customer and lapse, the same id for a repeat', () => {
    const customer = { phone: PHONE, lastOrderAt: '2026-09-01T12:00:00.000Z' };
    const event = customerLapsedEvent(customer, 90, NOW);
    expect(event).toEqual({
      type: 'CustomerLapsed',
      at: NOW.toISOString(),
      detail: {
        eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
        type: 'CustomerLapsed',
        phone: PHONE,
        lastOrderAt: '2026-09-01T12:00:00.000Z',
        lapseDays: 90,
        at: NOW.toISOString(),
      },
    });
    expect(customerLapsedEvent(customer, 90, new Date(NOW.getTime() + DAY)).detail.eventId).toBe(
      event.detail.eventId,
    );
    expect(customerLapsedEvent(customer, 120, NOW).detail.eventId).not.toBe(event.detail.eventId);
  });

  it('keys the index on the last order in UTC, whatever offset the shop sent', () => {
    expect(lastOrderIndexAttributes(PHONE, '2026-09-01T08:00:00-04:00')).toEqual({
      lastOrderShard: expect.stringMatching(/^([0-9]|1[0-5])$/),
      lastOrderUtc: '2026-09-01T12:00:00.000Z',
    });
    expect(lastOrderIndexAttributes(PHONE, 'yesterday')).toBeUndefined();
  });
});

describe('the win-back flow', () => {
  const lapsed = (lapseDays = 90, lastOrderAt = '2026-09-04T12:00:00.000Z') =>
    customerLapsedEvent({ phone: PHONE, lastOrderAt }, lapseDays, NOW).detail;

  it('is on by default with 90 days, and takes its days or its switch from the config', () => {
    expect(winBackOf([])).toMatchObject({ enabled: true, lapseDays: 90 });
    expect(winBackOf([{ id: 'winBack', lapseDays: 120 }])).toMatchObject({ enabled: true, lapseDays: 120 });
    expect(winBackOf([{ id: 'winBack', enabled: false }])).toMatchObject({ enabled: false });
    expect(
      RuntimeConfigSchema.safeParse({
        brand: 'Acme Coffee',
        supportContact: 'help@acme.example',
        flows: { definitions: [{ id: 'winBack', lapseDays: 0 }] },
      }).error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['flows.definitions.0.lapseDays']);
  });

  it('is written over CustomerLapsed only, which needs its days', () => {
    expect(problemsOf(WIN_BACK)).toEqual([]);
    expect(problemsOf({ ...WIN_BACK, trigger: { event: 'OrderPlaced' } })).toContain(
      'lapseDays: is for a win-back flow: the trigger must be CustomerLapsed, not OrderPlaced',
    );
    const { lapseDays: _days, ...withoutDays } = WIN_BACK;
    expect(problemsOf(withoutDays)).toEqual([
      'lapseDays: is required by a CustomerLapsed flow: the days without an order (90)',
    ]);
    expect(
      problemsOf({
        ...WIN_BACK,
        steps: [{ kind: 'send', body: 'Last order {{ event.last_order_at }}, {{ event.order_id }}' }],
      }),
    ).toEqual([
      'steps.0.body: {{ event.order_id }} may be missing: not every CustomerLapsed event carries it; add a default, e.g. {{ event.order_id | default: "…" }}',
    ]);
  });

  it('starts once per subscriber in 180 days from the lapses of its own days', () => {
    const winBack = winBackOf([])!;
    const [start] = definedFlowStarts([winBack], 'CustomerLapsed', lapsed(), NOW.toISOString());
    expect(start?.input).toMatchObject({
      flow: 'winBack',
      phone: PHONE,
      eventAt: NOW.toISOString(),
      deadline: new Date(NOW.getTime() + 48 * 3600_000).toISOString(),
    });
    // The next day's sweep finds the customer again: the same name, so nothing new starts.
    const nextDay = customerLapsedEvent(
      { phone: PHONE, lastOrderAt: '2026-09-04T12:00:00.000Z' },
      90,
      new Date(NOW.getTime() + DAY),
    ).detail;
    expect(definedFlowStarts([winBack], 'CustomerLapsed', nextDay, '')[0]?.name).toBe(start?.name);
    // Another flow's days start nothing here.
    expect(definedFlowStarts([winBack], 'CustomerLapsed', lapsed(120), NOW.toISOString())).toEqual([]);
  });

  it('is stopped by an order, whose name the order tells', () => {
    const winBack = winBackOf([])!;
    const [start] = definedFlowStarts([winBack], 'CustomerLapsed', lapsed(), NOW.toISOString());
    const order = {
      phone: PHONE,
      orderId: 'A-9',
      placedAt: new Date(NOW.getTime() + 3600_000).toISOString(),
    };
    expect(definedFlowExecutionNames([winBack], 'OrderPlaced', order, order.placedAt)).toContainEqual({
      flow: 'winBack',
      name: start?.name,
    });
  });

  it('exits at its text on an order after the one the customer lapsed from, one posted late too', () => {
    const winBack = winBackOf([])!;
    const event = lapsed(90, '2026-09-04T12:00:00.000Z');
    const withLastOrder = (lastOrderAt: string) => ({
      ...newProfile(PHONE, '2026-01-01T00:00:00Z'),
      lastOrderAt,
    });
    const exits = (lastOrderAt: string) =>
      exitEventSince(winBack, withLastOrder(lastOrderAt), NOW.toISOString(), event);
    expect(exits('2026-09-04T12:00:00.000Z')).toBe(false);
    // The same order as the shop wrote it, with its offset.
    expect(exits('2026-09-04T08:00:00-04:00')).toBe(false);
    expect(exits('2026-12-03T16:00:00.000Z')).toBe(true);
    // Dated before the sweep, posted after it.
    expect(exits('2026-10-01T12:00:00.000Z')).toBe(true);
    expect(
      conditionHolds(
        { noEventSince: ['OrderPlaced'] },
        {
          profile: withLastOrder('2026-10-01T12:00:00.000Z'),
          trigger: 'CustomerLapsed',
          eventAt: NOW.toISOString(),
          now: NOW,
          event,
        },
      ),
    ).toBe(false);
  });

  it('compiles to one marketing text', () => {
    expect(Object.keys(compileFlow(FlowDefinitionShape.parse(WIN_BACK)).States)).toEqual([
      'WinBackTextTask',
      'WinBackTextOutcomeChoice',
      'WinBackTextWaitForQuietHoursEndWait',
      'FlowDoneSucceed',
      'FlowExitedSucceed',
      'ConsentEndedSucceed',
      'FlowFailedFail',
    ]);
  });
});
