/**
 * API Gateway → POST /v1/subscriptions, /v1/verifications, /v1/verifications/check (public,
 * browser-facing, rate-limited) → consent recorded, confirmation or code texted.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../domain/errors';
import {
  SubscriptionSchema,
  VerificationCheckSchema,
  VerificationSchema,
} from '../domain/subscription-request';
import { parseInput } from '../domain/validation';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoEphemeralStore } from '../adapters/ephemeral-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import {
  checkVerification,
  startVerification,
  subscribe,
  type RequestContext,
  type SubscriptionDeps,
} from '../services/subscriptions';
import { httpHandler, type HttpRequest } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';
import { smsGateway } from './shared/sms';

const environment = environmentOf('subscriptionsApi');

let deps: SubscriptionDeps | undefined;
function dependencies(): SubscriptionDeps {
  const config = runtimeConfig();
  const env = environment();
  deps ??= {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    messages: new DynamoMessageStore(env.messagesTable),
    ephemeral: new DynamoEphemeralStore(env.ephemeralTable),
    gateway: smsGateway(env),
    events: new EventBridgePublisher(env.eventBus),
  };
  return deps;
}

/** The client's Idempotency-Key, or the request itself within the hour: a retried POST records nothing twice. */
function requestContext(request: HttpRequest, now: Date): RequestContext {
  const header = request.headers['idempotency-key'];
  if (header !== undefined && !/^[\w-]{8,100}$/.test(header)) {
    throw new ValidationError('Idempotency-Key: must be 8-100 letters, digits, _ or -', 'Idempotency-Key');
  }
  const idempotencyKey =
    header ??
    createHash('sha256')
      .update(JSON.stringify(request.body) + now.toISOString().slice(0, 13))
      .digest('hex')
      .slice(0, 32);
  return { sourceIp: request.sourceIp, userAgent: request.userAgent, idempotencyKey };
}

export const handler = httpHandler(environment, {
  'POST /v1/subscriptions': async (request) => {
    const payload = parseInput(SubscriptionSchema, request.body);
    const d = dependencies();
    const result = await subscribe(d, payload, requestContext(request, d.clock.now()));
    return { status: result.status, body: result.body };
  },
  'POST /v1/verifications': async (request) => {
    const payload = parseInput(VerificationSchema, request.body);
    const d = dependencies();
    const result = await startVerification(d, payload.phone, requestContext(request, d.clock.now()));
    return { status: result.status, body: result.body };
  },
  'POST /v1/verifications/check': async (request) => {
    const payload = parseInput(VerificationCheckSchema, request.body);
    const d = dependencies();
    const result = await checkVerification(d, payload, requestContext(request, d.clock.now()));
    return { status: result.status, body: result.body };
  },
});
