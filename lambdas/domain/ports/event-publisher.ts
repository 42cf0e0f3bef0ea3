/**
 * Domain events onto the event bus.
 * Implemented by lambdas/adapters/event-publisher.ts.
 */
import type { DomainEvent } from '../events';

export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
