/**
 * EventBridge Scheduler → the sweep its schedule names (`{ "sweep": … }`): `conversations`, every 15
 * minutes, closes the conversations silent for `autoCloseHours`, each with its `ConversationClosed`
 * (reads already count them closed; this makes the close an event); `lapsedCustomers`, every day,
 * publishes a `CustomerLapsed` for each customer whose last order fell due for a win-back flow, read
 * from the sparse `lastOrders` index.
 */
import { DynamoConversationStore } from '../adapters/conversation-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoLapsedCustomerStore } from '../adapters/lapsed-customer-store';
import { systemClock } from '../adapters/system-clock';
import { sweepConversations } from '../services/conversations';
import { sweepLapsedCustomers } from '../services/lapse-sweep';
import { environmentOf } from '../../lib/function-environment';
import { eventHandler } from './shared/event-handler';
import { logger, runtimeConfig } from './shared/runtime';

const environment = environmentOf('sweeper');

let stores:
  | {
      conversations: DynamoConversationStore;
      customers: DynamoLapsedCustomerStore;
      events: EventBridgePublisher;
    }
  | undefined;

function dependencies() {
  const env = environment();
  stores ??= {
    conversations: new DynamoConversationStore(env.profilesTable),
    customers: new DynamoLapsedCustomerStore(env.profilesTable),
    events: new EventBridgePublisher(env.eventBus),
  };
  return stores;
}

async function sweepClosedConversations(): Promise<{ closed: number }> {
  const { conversations, events } = dependencies();
  const result = await sweepConversations({
    clock: systemClock,
    settings: runtimeConfig().conversations,
    conversations,
    events,
  });
  if (result.closed > 0) logger.info('Conversations closed after their silence', result);
  return result;
}

async function sweepLapses(): Promise<{ lapsed: Record<string, number> }> {
  const { customers, events } = dependencies();
  const lapsed = await sweepLapsedCustomers({
    clock: systemClock,
    definitions: runtimeConfig().flows.definitions,
    customers,
    events,
  });
  logger.info('Lapsed customers published', { lapsed });
  return { lapsed };
}

async function sweep(input: { readonly sweep?: unknown }) {
  switch (input.sweep) {
    case 'conversations':
      return sweepClosedConversations();
    case 'lapsedCustomers':
      return sweepLapses();
    default:
      throw new Error(`unknown sweep ${JSON.stringify(input.sweep)}`);
  }
}

export const handler = eventHandler(environment, sweep);
