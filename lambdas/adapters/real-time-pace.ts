/** The pace of an import in real time: a monotonic timer and a timeout (pacing is about throughput, not the clock). */
import { performance } from 'node:perf_hooks';
import type { ImportPace } from '../services/imports';

export function realTimePace(rowsPerSecond: number): ImportPace {
  return {
    rowsPerSecond,
    now: () => performance.now(),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
