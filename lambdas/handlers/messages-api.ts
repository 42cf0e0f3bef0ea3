/** API Gateway (IAM) → POST /v1/messages → one transactional text through send(). */
import { mediaUrls, phoneInput } from '../domain/input-fields';
import * as z from '../domain/zod';
import { parseInput } from '../domain/validation';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EndUserMessagingGateway } from '../adapters/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import { sendTransactional } from '../services/transactional';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const MessageSchema = z.strictObject({
  phone: phoneInput(),
  body: z.string().check(z.minLength(1), z.maxLength(1600), z.regex(/\S/, 'must not be blank')),
  idempotencyKey: z.string().check(z.regex(/^[\w-]{8,100}$/, 'must be 8-100 letters, digits, _ or -')),
  mediaUrls: mediaUrls(),
});

const profiles = new DynamoProfileStore();
const messages = new DynamoMessageStore();
const gateway = new EndUserMessagingGateway();

export const handler = httpHandler({
  'POST /v1/messages': async (request) => {
    const payload = parseInput(MessageSchema, request.body);
    const config = runtimeConfig();
    return sendTransactional(
      { clock: systemClock, config, phonePolicy: phonePolicy(config), profiles, messages, gateway },
      payload,
    );
  },
});
