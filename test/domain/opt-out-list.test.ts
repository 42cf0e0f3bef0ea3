import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OPT_OUT_REMOVAL_INTERVAL_MS,
  optOutListRemovalBlockedUntil,
} from '../../lambdas/domain/opt-out-list';

const NOW = new Date('2026-06-10T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('opt-out list removal limit (once per 30 days)', () => {
  it.each([
    ['never removed', undefined, undefined],
    ['removed 31 days ago', ago(31 * 86_400_000), undefined],
    ['removed exactly 30 days ago', ago(OPT_OUT_REMOVAL_INTERVAL_MS), undefined],
    ['removed a time that does not parse', 'yesterday', undefined],
    ['removed an empty time', '', undefined],
    [
      'removed 30 days less a millisecond ago',
      ago(OPT_OUT_REMOVAL_INTERVAL_MS - 1),
      new Date(NOW.getTime() + 1),
    ],
    ['removed 10 days ago', ago(10 * 86_400_000), new Date(NOW.getTime() + 20 * 86_400_000)],
    ['removed just now', NOW.toISOString(), new Date(NOW.getTime() + OPT_OUT_REMOVAL_INTERVAL_MS)],
  ])('%s', (_case, lastRemovedAt, until) => {
    expect(optOutListRemovalBlockedUntil(lastRemovedAt, NOW)).toEqual(until);
  });

  it('blocks exactly until 30 days after the last removal, and never beyond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 * 86_400_000 }), (elapsed) => {
        const until = optOutListRemovalBlockedUntil(ago(elapsed), NOW);
        if (elapsed >= OPT_OUT_REMOVAL_INTERVAL_MS) return until === undefined;
        return until?.getTime() === NOW.getTime() - elapsed + OPT_OUT_REMOVAL_INTERVAL_MS;
      }),
    );
  });
});
