/** API Gateway (IAM) → POST /v1/messages → one transactional text through send(). */
import { MessageRequestSchema } from '../domain/message-request';
import { parseInput } from '../domain/validation';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import type { SmsGateway } from '../domain/ports/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import { sendTransactional } from '../services/transactional';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';
import { smsGateway } from './shared/sms';

const environment = environmentOf('messagesApi');

let stores: { profiles: DynamoProfileStore; messages: DynamoMessageStore; gateway: SmsGateway } | undefined;
function dependencies() {
  const env = environment();
  stores ??= {
    profiles: new DynamoProfileStore(env.profilesTable),
    messages: new DynamoMessageStore(env.messagesTable),
    gateway: smsGateway(env),
  };
  return stores;
}

export const handler = httpHandler(environment, {
  'POST /v1/messages': async (request) => {
    const payload = parseInput(MessageRequestSchema, request.body);
    const config = runtimeConfig();
    const sent = await sendTransactional(
      { clock: systemClock, config, phonePolicy: phonePolicy(config), ...dependencies() },
      payload,
    );
    // A repeated key sends nothing new: 200; a text sent (or deferred) now: 202.
    return { status: sent.status === 'duplicate' ? 200 : 202, body: sent };
  },
});
