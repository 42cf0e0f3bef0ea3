/** The pace of an import: each batch held to its share of `imports.rowsPerSecond`. */
import { describe, expect, it } from 'vitest';
import { paceDelayMs } from '../../lambdas/domain/import-pace';
import { IMPORT_BATCHES_AT_ONCE } from '../../lambdas/domain/import-request';

describe('the pace of an import', () => {
  it.each([
    // rows, elapsed ms, rows per second → wait ms (four batches share the rate)
    [100, 0, 200, 2000],
    [100, 500, 200, 1500],
    [100, 2500, 200, 0],
    [8, 0, 200, 160],
    [100, 0, 5000, 80],
    [0, 0, 200, 0],
  ])('holds a batch of %i rows that took %i ms at %i rows/s for %i ms more', (rows, elapsed, rate, wait) => {
    expect(paceDelayMs(rows, elapsed, rate)).toBe(wait);
  });

  it('keeps the import to its rate with every batch in flight at once', () => {
    const rate = 200;
    const batchMs = paceDelayMs(100, 0, rate);
    expect((IMPORT_BATCHES_AT_ONCE * 100 * 1000) / batchMs).toBe(rate);
  });

  it('fits a full batch at the slowest rate within the API gateway’s 29 seconds', () => {
    expect(paceDelayMs(100, 0, 20)).toBeLessThan(29_000);
  });
});
