/** A flow's counters as `GET /v1/flows/{flowId}/stats` answers them, and what each event adds. */
import { describe, expect, it } from 'vitest';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { branchNames, flowCounterDelta, flowStatsOf } from '../../lambdas/domain/flow-stats';

const definition = FlowDefinitionShape.parse({
  id: 'browseTest',
  trigger: { event: 'ProductViewed' },
  steps: [
    {
      kind: 'split',
      id: 'copy',
      random: [
        { name: 'short', weight: 70, next: 'shortText' },
        { name: 'long', weight: 30, next: 'longText' },
      ],
    },
    { kind: 'send', id: 'shortText', body: 'Short', next: 'bySource' },
    { kind: 'send', id: 'longText', body: 'Long' },
    {
      kind: 'split',
      id: 'bySource',
      property: '$source',
      cases: [{ equals: 'form:spring', next: 'springText' }],
    },
    { kind: 'send', id: 'springText', body: 'Spring' },
  ],
});

describe('flow counters', () => {
  it('adds to the flow and to every branch the execution took', () => {
    expect(flowCounterDelta('sent', 1, { copy: 'short', bySource: 'other' })).toEqual({
      sent: 1,
      'copy/short/sent': 1,
      'bySource/other/sent': 1,
    });
    expect(flowCounterDelta('revenue', 42.5)).toEqual({ revenue: 42.5 });
    expect(flowCounterDelta('entered', 1, { copy: 'long' })).toEqual({ 'copy/long/entered': 1 });
  });

  it("names a property split's branches by their values, and the rest `other`", () => {
    const split = definition.steps[3];
    expect(split?.kind === 'split' && branchNames(split)).toEqual(['form:spring', 'other']);
  });

  it('reads the counters into the flow and its splits, zero where nothing was counted', () => {
    const stats = flowStatsOf('browseTest', definition, {
      sent: 10,
      clicks: 3,
      orders: 1,
      revenue: 42.499999,
      'copy/short/entered': 7,
      'copy/short/sent': 6,
      'copy/short/clicks': 3,
      'copy/long/entered': 4,
      'copy/long/sent': 4,
      'bySource/other/entered': 6,
    });
    expect(stats).toEqual({
      flowId: 'browseTest',
      sent: 10,
      clicks: 3,
      orders: 1,
      revenue: 42.5,
      splits: [
        {
          step: 'copy',
          kind: 'random',
          branches: [
            { name: 'short', weight: 70, entered: 7, sent: 6, clicks: 3, orders: 0, revenue: 0 },
            { name: 'long', weight: 30, entered: 4, sent: 4, clicks: 0, orders: 0, revenue: 0 },
          ],
        },
        {
          step: 'bySource',
          kind: 'property',
          branches: [
            { name: 'form:spring', entered: 0, sent: 0, clicks: 0, orders: 0, revenue: 0 },
            { name: 'other', entered: 6, sent: 0, clicks: 0, orders: 0, revenue: 0 },
          ],
        },
      ],
    });
  });

  it('has no splits for a flow without one', () => {
    const oneText = FlowDefinitionShape.parse({
      id: 'welcome',
      trigger: { event: 'SubscriptionConfirmed' },
      steps: [{ kind: 'send', body: 'Hi' }],
    });
    expect(flowStatsOf('welcome', oneText, { sent: 2 })).toEqual({
      flowId: 'welcome',
      sent: 2,
      clicks: 0,
      orders: 0,
      revenue: 0,
      splits: [],
    });
  });
});
