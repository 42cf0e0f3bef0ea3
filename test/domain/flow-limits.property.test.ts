/**
 * Browse abandonment's limit, whatever order the views arrive in: the starter names executions by
 * 72-hour window (a second view in the window starts nothing), and each text first looks for the
 * flow's texts in the 72 hours before it. Views are replayed in a random arrival order; each
 * started execution reaches its send step two hours after its view, in time order.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definedFlowStarts } from '../../lambdas/domain/flow-starts';
import { flowLimitReached } from '../../lambdas/domain/flow-steps';
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
