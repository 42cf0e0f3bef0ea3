/**
 * The local runtime's virtual clock. Installed as the handlers' time source
 * (lambdas/adapters/host-hooks.ts), so every handler, wait and schedule sees the same time. It runs
 * `scale` times faster than real time and can be moved forward (`advance`) by tests.
 */
import type { Clock } from '../lambdas/domain/clock';
import { installTimeSource } from '../lambdas/adapters/host-hooks';

export class VirtualClock implements Clock {
  private listeners = new Set<() => void>();
  /** Virtual time at the anchor, and real time at the anchor: now = origin + (real - anchor) × scale. */
  private originMs = 0;
  private anchorMs = 0;

  constructor(
    start: Date,
    readonly scale: number,
  ) {
    if (!(scale > 0)) throw new Error('the time scale must be a positive number');
    this.anchor(start.getTime());
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Makes this the handlers' clock (until `uninstall`). */
  install(): void {
    installTimeSource(() => this.nowMs());
  }

  uninstall(): void {
    installTimeSource(undefined);
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

  private nowMs(): number {
    return Math.floor(this.originMs + (Date.now() - this.anchorMs) * this.scale);
  }

  private anchor(virtualMs: number): void {
    this.originMs = virtualMs;
    this.anchorMs = Date.now();
    for (const listener of [...this.listeners]) listener();
  }
}
