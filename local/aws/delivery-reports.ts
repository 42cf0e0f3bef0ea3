/**
 * The configuration set's event destination, locally: after End User Messaging accepts a text, the
 * carrier's final status is published to the delivery-events topic in the JSON End User Messaging
 * streams (https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html).
 * Every text is delivered unless a test says otherwise per number (`outcomes`).
 */
import type { Clock } from '../../lambdas/domain/clock';
import type { PendingWork } from '../settle';
import type { OutboxMessage } from './sms-voice';

export interface DeliveryReportsOptions {
  readonly clock: Clock;
  /** Publishes one event to the topic (its subscribers: queues with raw message delivery). */
  readonly deliver: (message: string) => Promise<void> | void;
  /** Real milliseconds between acceptance and the carrier's report. */
  readonly delayMs?: number;
}

export class DeliveryReports {
  /** Event type to report per destination number (e.g. TEXT_INVALID); TEXT_DELIVERED otherwise. */
  readonly outcomes = new Map<string, string>();
  readonly failures: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  published = 0;

  constructor(private readonly options: DeliveryReportsOptions) {}

  report(message: OutboxMessage): void {
    const eventType =
      this.outcomes.get(message.to) ?? (message.messageType === 'MMS' ? 'MEDIA_DELIVERED' : 'TEXT_DELIVERED');
    const run = (async () => {
      await new Promise((resolve) => setTimeout(resolve, this.options.delayMs ?? 20));
      const now = this.options.clock.now().getTime();
      const payload = {
        eventType,
        eventVersion: '1.0',
        eventTimestamp: now,
        isFinal: true,
        originationPhoneNumber: message.from,
        destinationPhoneNumber: message.to,
        isInternationalSend: false,
        messageId: message.messageId,
        messageRequestTimestamp: Date.parse(message.at),
        messageEncoding: /^[\x20-\x7e\n\r]*$/.test(message.body) ? 'GSM' : 'UCS2',
        messageType: message.messageType,
        messageStatus: eventType.replace(/^(TEXT|MEDIA)_/, ''),
        messageStatusDescription: eventType.endsWith('DELIVERED')
          ? 'Message has been accepted by phone'
          : 'Message was not delivered',
        context: message.context,
        totalMessageParts: 1,
      };
      await this.options.deliver(JSON.stringify(payload));
      this.published += 1;
    })().catch((error: unknown) => {
      this.failures.push(String(error));
    });
    const tracked = run.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Reports not yet published. */
  pending(): PendingWork[] {
    return this.inFlight.size === 0
      ? []
      : [{ kind: 'delivery-report', name: 'delivery-events', state: 'running', count: this.inFlight.size }];
  }
}
