/**
 * API Gateway (IAM) → the conversation routes: list the open ones, read one with its messages, close
 * one, reply through send(). See docs/conversations.md.
 */
import { ConversationCloseSchema, ConversationReplySchema } from '../domain/conversation-request';
import { normalisePhone } from '../domain/phone';
import { parseInput } from '../domain/validation';
import { DynamoConversationStore } from '../adapters/conversation-store';
import { DynamoEphemeralStore } from '../adapters/ephemeral-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import type { SmsGateway } from '../domain/ports/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import {
  closeConversation,
  listOpenConversations,
  readConversation,
  replyToConversation,
} from '../services/conversations';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';
import { smsGateway } from './shared/sms';

const environment = environmentOf('conversationsApi');

let stores:
  | {
      profiles: DynamoProfileStore;
      messages: DynamoMessageStore;
      conversations: DynamoConversationStore;
      ephemeral: DynamoEphemeralStore;
      events: EventBridgePublisher;
      gateway: SmsGateway;
    }
  | undefined;
function dependencies() {
  const env = environment();
  const config = runtimeConfig();
  stores ??= {
    profiles: new DynamoProfileStore(env.profilesTable),
    messages: new DynamoMessageStore(env.messagesTable),
    conversations: new DynamoConversationStore(env.profilesTable),
    ephemeral: new DynamoEphemeralStore(env.ephemeralTable),
    events: new EventBridgePublisher(env.eventBus),
    gateway: smsGateway(env),
  };
  return {
    ...stores,
    clock: systemClock,
    config,
    settings: config.conversations,
    repliesPerAgentPerMinute: config.conversations.repliesPerAgentPerMinute,
  };
}

function phoneParam(raw: string | undefined): string {
  return normalisePhone(raw, phonePolicy(runtimeConfig()), 'phone').e164;
}

export const handler = httpHandler(environment, {
  'GET /v1/conversations': async (request) => ({
    status: 200,
    body: await listOpenConversations(dependencies(), request.query),
  }),
  'GET /v1/conversations/{phone}': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    return { status: 200, body: await readConversation(dependencies(), phone) };
  },
  'POST /v1/conversations/{phone}/close': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const input = parseInput(ConversationCloseSchema, request.body);
    const deps = dependencies();
    const profile = await deps.profiles.get(phone);
    await closeConversation(deps, profile, input?.agent ? 'agent' : 'api', input?.agent);
    return { status: 200, body: (await readConversation(deps, phone)).conversation };
  },
  'POST /v1/conversations/{phone}/replies': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const input = parseInput(ConversationReplySchema, request.body);
    const reply = await replyToConversation(dependencies(), phone, input);
    // A new text is accepted (202); a repeat of the key sent nothing more (200).
    return { status: reply.status === 'sent' ? 202 : 200, body: reply };
  },
});
