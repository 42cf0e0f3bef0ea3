/**
 * Domain events onto the `optline` EventBridge bus. Rules on the bus start flows; users can add their
 * own rules (CRM sync, analytics).
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../../lib/catalog';
import type { DomainEvent } from '../domain/events';
import { eventsClient } from './aws-clients';
import type { EventPublisher } from '../domain/ports/event-publisher';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export class EventBridgePublisher implements EventPublisher {
  constructor(private readonly busName: string) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const batch = events.slice(i, i + MAX_ENTRIES);
      const result = await eventsClient().send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.at),
          })),
        }),
      );
      if (result.FailedEntryCount) {
        const failed = (result.Entries ?? []).filter((e) => e.ErrorCode).map((e) => e.ErrorCode);
        throw new Error(`EventBridge rejected ${result.FailedEntryCount} event(s): ${failed.join(', ')}`);
      }
    }
  }
}
