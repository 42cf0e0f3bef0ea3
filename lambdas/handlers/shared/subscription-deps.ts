/** What the opt-in use cases need, built once per function from its environment. */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../domain/errors';
import { DynamoConsentLogStore } from '../../adapters/consent-log-store';
import { DynamoEphemeralStore } from '../../adapters/ephemeral-store';
import { EventBridgePublisher } from '../../adapters/event-publisher';
import { DynamoMessageStore } from '../../adapters/message-store';
import { DynamoProfileStore } from '../../adapters/profile-store';
import { systemClock } from '../../adapters/system-clock';
import type { RequestContext, SubscriptionDeps } from '../../services/subscriptions';
import type { HttpRequest } from './http';
import { phonePolicy, runtimeConfig } from './runtime';
import { smsGateway, type SendingEnvironment } from './sms';

export interface SubscriptionEnvironment extends SendingEnvironment {
  readonly profilesTable: string;
  readonly consentLogTable: string;
  readonly messagesTable: string;
  readonly ephemeralTable: string;
  readonly eventBus: string;
}

export function subscriptionDependencies(env: SubscriptionEnvironment): SubscriptionDeps {
  const config = runtimeConfig();
  return {
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
}

/** The client's Idempotency-Key, or the request itself within the hour: a retried POST records nothing twice. */
export function requestContext(request: HttpRequest, now: Date): RequestContext {
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
