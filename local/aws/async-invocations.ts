/**
 * Lambda's asynchronous invocation, the way SNS invokes the two-way channel's subscribers: when the
 * function fails, Lambda invokes it again, up to twice (AWS waits about a minute, then about two),
 * then gives up (AWS: to the on-failure destination; here: `failures` and `onError`). The handlers
 * count on it: an inbound text whose reply End User Messaging throttled is finished by the retry,
 * which replays the recorded consent event's effects.
 *
 * LOCAL ACCELERATION: the retries wait `retryDelaysMs` of real time (1 and 2 s by default). The first
 * attempt is awaited, so the caller (the phone simulator, a test) sees its replies at once; retries run
 * in the background, and `settle()` waits for them.
 */
import type { PendingWork } from '../settle';

export interface AsyncInvocationOptions {
  /** Real ms before each retry (AWS: about 60 000 and 120 000). */
  readonly retryDelaysMs?: readonly number[];
  /** Called with the last error of an invocation whose retries all failed. */
  readonly onError?: (error: unknown) => void;
}

export class AsyncInvocations {
  private readonly retrying = new Set<Promise<void>>();
  /** Invocations that failed every attempt. */
  readonly failures: { readonly error: string }[] = [];

  constructor(private readonly options: AsyncInvocationOptions = {}) {}

  /** One attempt now; if it fails, the retries go on in the background. True if the attempt succeeded. */
  async invoke(attempt: () => Promise<unknown>): Promise<boolean> {
    try {
      await attempt();
      return true;
    } catch {
      const retry = this.retry(attempt).finally(() => this.retrying.delete(retry));
      this.retrying.add(retry);
      return false;
    }
  }

  /** Waits until no retry is pending. */
  async settle(): Promise<void> {
    while (this.retrying.size > 0) await Promise.allSettled([...this.retrying]);
  }

  /** The invocations waiting for, or running, a retry. */
  pending(name: string): PendingWork[] {
    return this.retrying.size === 0
      ? []
      : [{ kind: 'inbound-retry', name, state: 'running', count: this.retrying.size }];
  }

  private async retry(attempt: () => Promise<unknown>): Promise<void> {
    let lastError: unknown;
    for (const delay of this.options.retryDelaysMs ?? [1000, 2000]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await attempt();
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.failures.push({ error: String(lastError) });
    this.options.onError?.(lastError);
  }
}
