/**
 * Settling the local runtime: waiting until the work that is due has been done. Work is either
 * running (an invocation, a delivery, a retry, a flow between its states, a schedule or a queued
 * message whose time has come) or sleeping until a virtual time (a flow in a Wait state, a schedule
 * for later, a queued message held by its DelaySeconds). Sleeping work is not due: waiting for it
 * would take as long as the sleep (a day for the welcome series' second text at time scale 1), so
 * settling returns with it listed, and moving the clock (`POST /_local/clock`) or a faster
 * `OPTLINE_TIME_SCALE` makes it due.
 */

/** One piece of work the runtime has not finished. */
export interface PendingWork {
  readonly kind: 'flow' | 'schedule' | 'queue' | 'event-delivery' | 'inbound-retry' | 'delivery-report';
  /** The execution, schedule or queue; for the others, what they belong to. */
  readonly name: string;
  readonly state: 'running' | 'sleeping';
  /** For sleeping work: the virtual time it becomes due. */
  readonly until?: Date;
  /** How many (queued messages, deliveries, retries), when the entry stands for several. */
  readonly count?: number;
  /** A flow's state machine. */
  readonly stateMachine?: string;
}

export interface SettleOptions {
  /**
   * Also wait for sleeping work to wake and finish (only sensible with a fast clock, or one a test
   * moves). Default false: due work only.
   */
  readonly includeSleeping?: boolean;
  /** Give up after this many real milliseconds (default: no limit). */
  readonly timeoutMs?: number;
}

export interface SettleResult {
  /** True when nothing due is left (nothing at all with `includeSleeping`); false on timeout. */
  readonly settled: boolean;
  /** What is still running or sleeping, and until when, as settling ended. */
  readonly waiting: PendingWork[];
}

export interface WorkSource {
  /**
   * Starts what has come due (a schedule whose time has passed fires now, not at the next tick).
   * A source whose work wakes by itself (a queue, a flow in a Wait state) has nothing to fire.
   */
  fireDue?(): void;
  pending(): PendingWork[];
}

/** How often settling looks again, in real ms. */
const POLL_MS = 10;
/**
 * Consecutive quiet looks before settling returns: work handed from one part to the next (a Lambda
 * invocation that publishes an event, a flow moving to its next state) is in flight for a few
 * microtasks at most, and a second look a poll later sees it.
 */
const QUIET_LOOKS = 2;

export async function settleWork(source: WorkSource, options: SettleOptions = {}): Promise<SettleResult> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let quiet = 0;
  for (;;) {
    source.fireDue?.();
    const waiting = source.pending();
    const busy = waiting.some((work) => work.state === 'running' || options.includeSleeping === true);
    quiet = busy ? 0 : quiet + 1;
    if (quiet >= QUIET_LOOKS) return { settled: true, waiting };
    const left = deadline - Date.now();
    if (left <= 0) return { settled: !busy, waiting };
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
  }
}
