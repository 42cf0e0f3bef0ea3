/** API Gateway (IAM) → POST /v1/messages → one transactional text through send(). */
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
  phone: z.string().check(z.maxLength(32)),
  body: z.string().check(z.minLength(1), z.maxLength(1600), z.regex(/\S/, 'must not be blank')),
  idempotencyKey: z.string().check(z.regex(/^[\w-]{8,100}$/, 'must be 8-100 letters, digits, _ or -')),
  mediaUrls: z.optional(
    z
      .array(z.string().check(z.regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+$/, 'must be s3://bucket/key')))
      .check(z.maxLength(1)),
  ),
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
