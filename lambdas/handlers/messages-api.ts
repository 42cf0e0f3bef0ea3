/** API Gateway (IAM) → POST /v1/messages → one transactional text through send(). */
import * as z from 'zod';
import { parseInput } from '../domain/validation';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EndUserMessagingGateway } from '../adapters/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import { sendTransactional } from '../services/transactional';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const MessageSchema = z
  .object({
    phone: z.string().max(32),
    body: z.string().min(1).max(1600).regex(/\S/, 'must not be blank'),
    idempotencyKey: z.string().regex(/^[\w-]{8,100}$/, 'must be 8-100 letters, digits, _ or -'),
    mediaUrls: z
      .array(z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+$/, 'must be s3://bucket/key'))
      .max(1)
      .optional(),
  })
  .strict();

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
