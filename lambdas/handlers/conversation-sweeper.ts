/**
 * EventBridge Scheduler (every 15 minutes) → closes the conversations silent for `autoCloseHours`,
 * each with its `ConversationClosed`. Reads already count them closed; this makes the close an event.
 */
import { DynamoConversationStore } from '../adapters/conversation-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { systemClock } from '../adapters/system-clock';
import { sweepConversations } from '../services/conversations';
import { environmentOf } from '../../lib/function-environment';
import { eventHandler } from './shared/event-handler';
import { logger, runtimeConfig } from './shared/runtime';

const environment = environmentOf('conversationSweeper');

let stores: { conversations: DynamoConversationStore; events: EventBridgePublisher } | undefined;

async function sweep(): Promise<{ closed: number }> {
  const env = environment();
  stores ??= {
    conversations: new DynamoConversationStore(env.profilesTable),
    events: new EventBridgePublisher(env.eventBus),
  };
  const result = await sweepConversations({
    clock: systemClock,
    settings: runtimeConfig().conversations,
    ...stores,
  });
  if (result.closed > 0) logger.info('Conversations closed after their silence', result);
  return result;
}

export const handler = eventHandler(environment, sweep);
