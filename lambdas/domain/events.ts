/**
 * Domain events published on the `optline` bus. `detail` always carries an `eventId` so consumers can
 * drop duplicates (EventBridge delivers at least once).
 */
export interface DomainEvent {
  readonly type:
    | 'SubscriptionRequested'
    | 'SubscriptionConfirmed'
    | 'OptedOut'
    | 'Resubscribed'
    | 'ProfilePropertyChanged'
    | 'InboundMessageReceived'
    | 'MessageSent'
    | 'MessageSkipped'
    | 'MessageDelivered'
    | 'MessageFailed'
    | 'LinkClicked'
    | 'CartAbandoned'
    | 'OrderPlaced'
    | 'ProductViewed'
    | 'BackInStock'
    | 'PriceDropped';
  readonly at: string;
  readonly detail: { readonly eventId: string; readonly phone: string } & Record<string, unknown>;
}
