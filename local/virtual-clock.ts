/**
 * The local runtime's virtual clock. It publishes itself through the environment variables read by
 * lambdas/adapters/system-clock.ts, so every handler, wait and schedule sees the same time. It runs
 * `scale` times faster than real time and can be moved forward (`advance`) by tests.
 */
import type { Clock } from '../lambdas/domain/clock';
import { virtualNowMs } from '../lambdas/adapters/system-clock';

export class VirtualClock implements Clock {
  private listeners = new Set<() => void>();

  constructor(
    start: Date,
    readonly scale: number,
  ) {
    if (!(scale > 0)) throw new Error('OPTLINE_TIME_SCALE must be a positive number');
    this.anchor(start.getTime());
  }

  now(): Date {
    return new Date(virtualNowMs(Date.now()));
  }

  /** Moves virtual time forward; due waits and schedules fire at once. */
  advance(ms: number): void {
    this.anchor(this.now().getTime() + ms);
  }

  set(at: Date): void {
    this.anchor(at.getTime());
  }

  /** Real milliseconds until the virtual time `at` (0 when already reached). */
  realMsUntil(at: Date): number {
    return Math.max(0, (at.getTime() - this.now().getTime()) / this.scale);
  }

  /** Calls `listener` whenever the clock is moved (`advance`, `set`); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when virtual time reaches `at`, or rejects when the signal aborts. */
  sleepUntil(at: Date, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (signal?.aborted) return finish(new Error('aborted'));
        const remaining = this.realMsUntil(at);
        if (remaining <= 0) return finish();
        // Re-check at least once a second so an `advance` is noticed.
        timer = setTimeout(check, Math.min(remaining, 1000));
      };
      const onChange = () => {
        if (timer) clearTimeout(timer);
        check();
      };
      const finish = (error?: Error) => {
        if (timer) clearTimeout(timer);
        this.listeners.delete(onChange);
        signal?.removeEventListener('abort', onChange);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(onChange);
      signal?.addEventListener('abort', onChange);
      check();
    });
  }

  private anchor(virtualMs: number): void {
    process.env.OPTLINE_CLOCK_ORIGIN_MS = String(virtualMs);
    process.env.OPTLINE_CLOCK_ANCHOR_MS = String(Date.now());
    process.env.OPTLINE_TIME_SCALE = String(this.scale);
    for (const listener of [...this.listeners]) listener();
  }
}
