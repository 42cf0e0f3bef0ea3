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
}

export class EventBridgeEmulator {
  readonly events: BusEvent[] = [];
  readonly failedDeliveries: { rule: string; event: BusEvent; error: string }[] = [];
  /** Deliveries in flight, with the name of their rule. */
  private readonly inFlight = new Map<Promise<void>, string>();

  constructor(private readonly options: EventBridgeOptions) {}

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
    for (const rule of this.inFlight.values()) byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    return [...byRule].map(([name, count]) => ({ kind: 'event-delivery', name, state: 'running', count }));
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
      const delivery = this.deliver(rule, event).finally(() => this.inFlight.delete(delivery));
      this.inFlight.set(delivery, rule.name);
    }
  }

  private async deliver(rule: LocalRule, event: BusEvent): Promise<void> {
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
}
