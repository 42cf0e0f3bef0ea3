/** API Gateway (IAM) → POST /v1/messages → one transactional text through send(). */
import { MessageRequestSchema } from '../domain/message-request';
import { parseInput } from '../domain/validation';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EndUserMessagingGateway } from '../adapters/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import { sendTransactional } from '../services/transactional';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const profiles = new DynamoProfileStore();
const messages = new DynamoMessageStore();
const gateway = new EndUserMessagingGateway();

export const handler = httpHandler({
  'POST /v1/messages': async (request) => {
    const payload = parseInput(MessageRequestSchema, request.body);
    const config = runtimeConfig();
    return sendTransactional(
      { clock: systemClock, config, phonePolicy: phonePolicy(config), profiles, messages, gateway },
      payload,
    );
  },
});
