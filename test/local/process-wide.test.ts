/**
 * A value kept for the process: made once by the first module evaluation that asks for it, and the
 * same value for every later one, as test files evaluating the local runtime's modules anew see it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { processWide } from '../../local/process-wide';

describe('process-wide values', () => {
  it('are made once and found again by a module evaluated anew', async () => {
    const name = `test.${randomUUID()}`;
    const create = vi.fn(() => new Set<string>());
    const first = processWide(name, create);
    first.add('kept');
    vi.resetModules();
    const again = await import('../../local/process-wide.js');
    expect(again.processWide).not.toBe(processWide);
    expect(again.processWide(name, create)).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(first.has('kept')).toBe(true);
  });

  it('are kept apart by name', () => {
    const one = processWide(`test.${randomUUID()}`, () => ({ value: 1 }));
    const two = processWide(`test.${randomUUID()}`, () => ({ value: 2 }));
    expect(one).not.toBe(two);
  });
});
