/**
 * Browse abandonment's limit, whatever order the views arrive in: the starter names executions by
 * 72-hour window (a second view in the window starts nothing), and each text first looks for the
 * flow's texts in the 72 hours before it. Views are replayed in a random arrival order; each
 * started execution reaches its send step two hours after its view, in time order.
 *
 * Win-back's, whatever days the daily sweeps run, miss or repeat: each sweep finds the customer
 * while the last order is in its window, the starter names executions by 180-day window, and each
 * text looks for the flow's texts in the 180 days before it.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definedFlowStarts } from '../../lambdas/domain/flow-starts';
import { flowLimitReached } from '../../lambdas/domain/flow-steps';
import { customerLapsedEvent, lapseWindow } from '../../lambdas/domain/lapsed-customers';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';

const HOUR = 3_600_000;
const START = Date.parse('2026-05-01T00:00:00Z');
const definitions = RuntimeConfigSchema.parse({ brand: 'A', supportContact: 'x@y.z' }).flows.definitions;

describe('browse abandonment limits', () => {
  it('never texts a subscriber twice within 72 hours, whatever the order of the views', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 * 24 * 60 }), { minLength: 1, maxLength: 40 }),
        fc.func(fc.integer()),
        (minutes, order) => {
          const views = minutes.map((m, i) => ({ at: START + m * 60_000, productId: `p-${i % 3}` }));
          const arrival = [...views].sort((a, b) => order(a.at) - order(b.at));
          const names = new Set<string>();
          const sendAt: number[] = [];
          for (const view of arrival) {
            const [start] = definedFlowStarts(
              definitions,
              'ProductViewed',
              {
                phone: '+12125550100',
                productId: view.productId,
                productName: 'House Blend',
                productUrl: 'https://acme.example/p',
                viewedAt: new Date(view.at).toISOString(),
              },
              '',
            );
            if (start && !names.has(start.name)) {
              names.add(start.name);
              sendAt.push(view.at + 2 * HOUR);
            }
          }
          const sent: { messageId: string; flowId: string; status: 'sent'; at: string }[] = [];
          for (const at of sendAt.sort((a, b) => a - b)) {
            const id = `m-${at}`;
            if (!flowLimitReached(sent, 'browseAbandonment', 72, new Date(at), id))
              sent.push({
                messageId: id,
                flowId: 'browseAbandonment',
                status: 'sent',
                at: new Date(at).toISOString(),
              });
          }
          for (let i = 1; i < sent.length; i++)
            expect(Date.parse(sent[i]!.at) - Date.parse(sent[i - 1]!.at)).toBeGreaterThanOrEqual(72 * HOUR);
          expect(sent.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('win-back limits', () => {
  const DAY = 24 * HOUR;
  const SWEEP_HOUR = 17 * HOUR;

  it('never texts a customer twice within 180 days, whatever days the sweeps run or repeat', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 720 * 24 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 900, maxLength: 900 }),
        (orderHours, runsPerDay) => {
          const orders = orderHours.map((h) => START + h * HOUR).sort((a, b) => a - b);
          const names = new Set<string>();
          const sent: { messageId: string; flowId: string; status: 'sent'; at: string }[] = [];
          runsPerDay.forEach((runs, day) => {
            const now = new Date(START + day * DAY + SWEEP_HOUR);
            // The profile's last order as the index holds it at the time of the sweep.
            const last = orders.filter((at) => at <= now.getTime()).at(-1);
            if (last === undefined) return;
            const lastOrderAt = new Date(last).toISOString();
            const { from, to } = lapseWindow(now, 90);
            if (lastOrderAt < from || lastOrderAt > to) return;
            for (let run = 0; run < runs; run++) {
              const event = customerLapsedEvent({ phone: '+12125550100', lastOrderAt }, 90, now);
              const [start] = definedFlowStarts(definitions, 'CustomerLapsed', event.detail, event.at);
              if (!start || names.has(start.name)) continue;
              names.add(start.name);
              const id = `m-${start.name}`;
              if (!flowLimitReached(sent, 'winBack', 180 * 24, now, id))
                sent.push({ messageId: id, flowId: 'winBack', status: 'sent', at: now.toISOString() });
            }
          });
          for (let i = 1; i < sent.length; i++)
            expect(Date.parse(sent[i]!.at) - Date.parse(sent[i - 1]!.at)).toBeGreaterThanOrEqual(180 * DAY);
          // The first lapse is texted at the first sweep that runs in its seven days, before the next
          // order: an order placed at the very time of a sweep is one the sweep sees.
          const index = orders.findIndex((at, i) => (orders[i + 1] ?? Infinity) - at > 90 * DAY);
          if (index !== -1) {
            const due = orders[index]! + 90 * DAY;
            const next = orders[index + 1] ?? Infinity;
            const swept = runsPerDay.findIndex((runs, day) => {
              const at = START + day * DAY + SWEEP_HOUR;
              return runs > 0 && at >= due && at <= due + 7 * DAY && at < next;
            });
            if (swept !== -1)
              expect(sent[0]?.at).toBe(new Date(START + swept * DAY + SWEEP_HOUR).toISOString());
          }
        },
      ),
      // The second order lands at the hour of the only sweep, the last day of the first lapse's window.
      { examples: [[[1049, 3377], Array.from({ length: 900 }, (_, day) => (day === 140 ? 1 : 0))]] },
    );
  });
});
