/**
 * The SMS cost table of the benchmark: its figures follow from the segment counter and the US price,
 * and show what each change of link and encoding saves on the sample bodies.
 */
import { describe, expect, it } from 'vitest';
import { SAMPLE_BODIES, smsCostRows } from '../../bench/sms-cost';
import { analyseMessage } from '../../lambdas/domain/message-format';

const SEGMENT_USD = 0.00883;

describe('SMS cost table', () => {
  const rows = smsCostRows(SEGMENT_USD);
  const segments = (name: string) => rows.find((r) => r.name === name)?.variants.map((v) => v.segments);

  it('counts the link body at 1 segment as written, 2 on the API address and 1 on a links domain', () => {
    const body = SAMPLE_BODIES.find((b) => b.name === 'link')?.body ?? '';
    expect(body).toHaveLength(152);
    expect(analyseMessage(body).segments).toBe(1);
    expect(segments('link')).toEqual([2, 2, 1, 1]);
  });

  it('saves a segment with smart encoding on the body with a curly quote, and nothing on a plain one', () => {
    expect(segments('name, link, curly quote')).toEqual([3, 3, 2, 1]);
    expect(segments('plain')).toEqual([1, 1, 1, 1]);
  });

  it('prices each variant at its segments', () => {
    for (const row of rows)
      for (const v of row.variants) expect(v.per1000Usd).toBeCloseTo(v.segments * SEGMENT_USD * 1000, 9);
  });
});
