/** API Gateway (IAM) → POST /v1/opt-outs → a revocation from any channel recorded and applied like STOP. */
import { createHash } from 'node:crypto';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { ValidationError } from '../domain/errors';
import { OptOutRequestSchema } from '../domain/opt-out-request';
import { parseInput } from '../domain/validation';
import { recordOptOut, type OptOutDeps } from '../services/opt-outs';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';
import { smsGateway } from './shared/sms';

const environment = environmentOf('optOutsApi');

let deps: OptOutDeps | undefined;
function dependencies(): OptOutDeps {
  const env = environment();
  const config = runtimeConfig();
  deps ??= {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    messages: new DynamoMessageStore(env.messagesTable),
    gateway: smsGateway(env),
    events: new EventBridgePublisher(env.eventBus),
  };
  return deps;
}

export const handler = httpHandler(environment, {
  'POST /v1/opt-outs': async (request) => {
    const header = request.headers['idempotency-key'];
    if (header !== undefined && !/^[\w-]{8,100}$/.test(header)) {
      throw new ValidationError('Idempotency-Key: must be 8-100 letters, digits, _ or -', 'Idempotency-Key');
    }
    const payload = parseInput(OptOutRequestSchema, request.body);
    // Without a key, the same revocation (number, channel, time received) is the same request.
    const key =
      header ??
      createHash('sha256')
        .update(JSON.stringify([payload.phone, payload.channel, new Date(payload.receivedAt).toISOString()]))
        .digest('hex')
        .slice(0, 32);
    const result = await recordOptOut(dependencies(), payload, key);
    return { status: result.status, body: result.body };
  },
});
