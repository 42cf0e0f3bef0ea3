/**
 * EventBridge PutEvents on the local `optline` bus: events are kept (for `/_local/events`) and routed
 * to the catalog's rules, whose targets are invoked asynchronously like EventBridge does, with retries.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lambdas/domain/clock';
import type { PendingWork } from '../settle';
import { AwsError, JSON_DENIAL, type JsonService } from './protocol';

/**
 * EventBridge's limit on a PutEvents request: its entries together at most 256 KB, each counted as
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html says (a time 14
 * bytes; source, detail type, detail and resources their UTF-8 bytes). Above it the whole request
 * is refused.
 */
export const MAX_ENTRIES_BYTES = 256 * 1024;

export function entrySize(entry: Record<string, unknown>): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  return (
    (entry.Time !== undefined ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (Array.isArray(entry.Resources) ? entry.Resources.reduce((sum: number, r) => sum + bytes(r), 0) : 0)
  );
}

export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

export interface LocalRule {
  readonly name: string;
  readonly source: string;
  readonly detailTypes: readonly string[];
  readonly deliver: (event: BusEvent) => Promise<unknown>;
  /**
   * The target's retry policy, on the virtual clock (an API destination's: retries with backoff for
   * up to `maxEventAgeMs`); without it, a few quick attempts as for the Lambda targets.
   */
  readonly retry?: {
    readonly maxAttempts: number;
    readonly maxEventAgeMs: number;
    /** False for a failure EventBridge does not retry (an API destination's 404, say). */
    readonly retryable?: (error: unknown) => boolean;
  };
  /** Called when the event goes to the target's dead-letter queue. */
  readonly onGiveUp?: (event: BusEvent, error: unknown) => void;
}

/**
 * Backoff between retries of a target with a retry policy: 10 s doubling, at most 8 minutes, so
 * an API destination's 185 retries span its 24 hours as EventBridge spreads them.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** (attempt - 1), 480_000);
}

export interface EventBridgeOptions {
  readonly clock: Clock;
  readonly busName: string;
  readonly region: string;
  readonly account: string;
  readonly rules: readonly LocalRule[];
  /** Attempts per target before the event is counted as failed (EventBridge retries for 24 h). */
  readonly maxAttempts?: number;
  readonly onError?: (rule: string, error: unknown) => void;
  /** Waits until a virtual time (the runtime's clock): retries of targets with a retry policy. */
  readonly sleepUntil?: (at: Date, signal?: AbortSignal) => Promise<void>;
}

export class EventBridgeEmulator {
  readonly events: BusEvent[] = [];
  readonly failedDeliveries: { rule: string; event: BusEvent; error: string }[] = [];
  /** Deliveries in flight, with the name of their rule and, between retries, when the next is due. */
  private readonly inFlight = new Map<Promise<void>, { rule: string; retryAt?: Date }>();

  /** Ends the waits between retries when the runtime stops. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: EventBridgeOptions) {}

  /** Drops the deliveries waiting to retry (the runtime is stopping). */
  stop(): void {
    this.stopping.abort();
  }

  service(): JsonService {
    return {
      targetPrefix: 'AWSEvents',
      operations: { PutEvents: (input) => this.putEvents(input) },
      // Each entry is authorized on the bus it names.
      access: (operation, input) =>
        (Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : []).map((entry) => ({
          action: `events:${operation}`,
          resource: this.busArn(typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default'),
        })),
      denial: JSON_DENIAL,
    };
  }

  /** The ARN of a bus given by name or ARN. */
  busArn(nameOrArn: string): string {
    return nameOrArn.startsWith('arn:')
      ? nameOrArn
      : `arn:aws:events:${this.options.region}:${this.options.account}:event-bus/${nameOrArn}`;
  }

  /** Resolves when every delivery started so far has finished (tests wait on it). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.keys()]);
  }

  /** Deliveries to rule targets still running (or waiting to retry), by rule. */
  pending(): PendingWork[] {
    const byRule = new Map<string, number>();
    const sleeping: PendingWork[] = [];
    const now = this.options.clock.now().getTime();
    for (const { rule, retryAt } of this.inFlight.values()) {
      // A retry whose time has come is running work, even before its timer has noticed.
      if (retryAt && retryAt.getTime() > now)
        sleeping.push({ kind: 'event-delivery', name: rule, state: 'sleeping', until: retryAt });
      else byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    }
    return [
      ...[...byRule].map(([name, count]): PendingWork => ({
        kind: 'event-delivery',
        name,
        state: 'running',
        count,
      })),
      ...sleeping,
    ];
  }

  private putEvents(input: Record<string, unknown>) {
    const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
    if (entries.length === 0 || entries.length > 10) {
      throw new AwsError('ValidationException', 'Entries must hold 1 to 10 events');
    }
    if (entries.reduce((sum, entry) => sum + entrySize(entry), 0) > MAX_ENTRIES_BYTES) {
      throw new AwsError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    let failed = 0;
    const results = entries.map((entry) => {
      const bus = entry.EventBusName ?? 'default';
      if (bus !== this.options.busName && !String(bus).endsWith(`:event-bus/${this.options.busName}`)) {
        failed += 1;
        return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `unknown bus ${String(bus)}` };
      }
      let detail: Record<string, unknown>;
      try {
        detail = JSON.parse(String(entry.Detail ?? '{}')) as Record<string, unknown>;
      } catch {
        failed += 1;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string') {
        failed += 1;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source and DetailType are required' };
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.options.account,
        time:
          typeof entry.Time === 'number'
            ? new Date(entry.Time * 1000).toISOString()
            : this.options.clock.now().toISOString(),
        region: this.options.region,
        resources: Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [],
        detail,
      };
      this.events.push(event);
      this.route(event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }

  private route(event: BusEvent): void {
    for (const rule of this.options.rules) {
      if (rule.source !== event.source || !rule.detailTypes.includes(event['detail-type'])) continue;
      const state: { rule: string; retryAt?: Date } = { rule: rule.name };
      const delivery = this.deliver(rule, event, state).finally(() => this.inFlight.delete(delivery));
      this.inFlight.set(delivery, state);
    }
  }

  private async deliver(rule: LocalRule, event: BusEvent, state: { retryAt?: Date }): Promise<void> {
    if (rule.retry && this.options.sleepUntil) return this.deliverWithPolicy(rule, event, state);
    const attempts = this.options.maxAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await rule.deliver(event);
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    this.failedDeliveries.push({ rule: rule.name, event, error: String(lastError) });
    this.options.onError?.(rule.name, lastError);
  }

  /** A target with a retry policy: backoff on the virtual clock until it succeeds or the event is too old. */
  private async deliverWithPolicy(
    rule: LocalRule,
    event: BusEvent,
    state: { retryAt?: Date },
  ): Promise<void> {
    const retry = rule.retry!;
    const sleepUntil = this.options.sleepUntil!;
    const firstAt = this.options.clock.now().getTime();
    let lastError: unknown;
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      try {
        await rule.deliver(event);
        return;
      } catch (error) {
        lastError = error;
        if (retry.retryable && !retry.retryable(error)) break;
        const next = new Date(this.options.clock.now().getTime() + retryDelayMs(attempt));
        if (next.getTime() - firstAt > retry.maxEventAgeMs) break;
        state.retryAt = next;
        try {
          await sleepUntil(next, this.stopping.signal);
        } catch {
          return; // stopped
        }
        delete state.retryAt;
      }
    }
    this.failedDeliveries.push({ rule: rule.name, event, error: String(lastError) });
    rule.onGiveUp?.(event, lastError);
    this.options.onError?.(rule.name, lastError);
  }
}
