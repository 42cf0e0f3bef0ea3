/**
 * Domain events published on the `optline` bus. `detail` always carries an `eventId` so consumers can
 * drop duplicates (EventBridge delivers at least once).
 */
/** Every detail type Optline publishes on the bus (webhooks subscribe to them by name). */
export const DOMAIN_EVENT_TYPES = [
  'SubscriptionRequested',
  'SubscriptionConfirmed',
  'OptedOut',
  'Resubscribed',
  'Unsubscribed',
  'ProfilePropertyChanged',
  'InboundMessageReceived',
  'ConversationMessage',
  'ConversationClosed',
  'MessageSent',
  'MessageSkipped',
  'MessageDelivered',
  'MessageFailed',
  'LinkClicked',
  'CartAbandoned',
  'OrderPlaced',
  'OrderShipped',
  'OrderDelivered',
  'ProductViewed',
  'BackInStock',
  'PriceDropped',
  'CustomerLapsed',
] as const;

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  readonly type: DomainEventType;
  readonly at: string;
  readonly detail: { readonly eventId: string; readonly phone: string } & Record<string, unknown>;
}
