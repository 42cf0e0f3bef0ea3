/**
 * API Gateway → POST /v1/subscriptions, /v1/verifications, /v1/verifications/check (public,
 * browser-facing, rate-limited) → consent recorded, confirmation or code texted.
 */
import { createHash } from 'node:crypto';
import { phoneInput, printable } from '../domain/input-fields';
import * as z from '../domain/zod';
import { ValidationError } from '../domain/errors';
import { isTimeZone } from '../domain/config-values';
import { parseInput } from '../domain/validation';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoEphemeralStore } from '../adapters/ephemeral-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EndUserMessagingGateway } from '../adapters/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import {
  checkVerification,
  startVerification,
  subscribe,
  type RequestContext,
  type SubscriptionDeps,
} from '../services/subscriptions';
import { httpHandler, type HttpRequest } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const sourceName = z
  .string()
  .check(z.regex(/^[\w .:/-]{1,100}$/, 'must be 1-100 letters, digits, spaces or _ . : / -'));

const ConsentSchema = z.strictObject({
  method: z.enum(['form', 'checkout', 'api']),
  classes: z.array(z.enum(['marketing', 'transactional'])).check(
    z.minLength(1),
    z.maxLength(2),
    z.refine((c) => new Set(c).size === c.length, 'must not repeat a class'),
  ),
  disclosure: z.optional(z.strictObject({ text: printable(2000), version: printable(50) })),
  pageUrl: z.optional(z.url().check(z.maxLength(2000))),
  ip: z.optional(z.union([z.ipv4(), z.ipv6()])),
  userAgent: z.optional(printable(500)),
  checkedByUser: z.literal(true, 'must be true: consent needs an action by the person'),
  uncheckedByDefault: z.optional(z.boolean()),
});

const PropertiesSchema = z
  .record(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z][\w.-]{0,63}$/,
          'property names are letters, digits, _ . - and do not start with $',
        ),
      ),
    z.union([printable(200), z.number(), z.boolean()]),
  )
  .check(z.refine((p) => Object.keys(p).length <= 50, 'at most 50 properties'));

const SubscriptionSchema = z.strictObject({
  phone: phoneInput(),
  source: sourceName,
  consent: ConsentSchema,
  properties: z.optional(PropertiesSchema),
  timeZone: z.optional(
    z
      .string()
      .check(z.maxLength(64), z.refine(isTimeZone, 'must be an IANA time zone such as America/Chicago')),
  ),
});

const VerificationSchema = z.strictObject({ phone: phoneInput() });

const CheckSchema = z.extend(SubscriptionSchema, {
  code: z.string().check(z.regex(/^\d{6}$/, 'must be the 6-digit code')),
  source: z._default(sourceName, 'otp'),
});

let deps: SubscriptionDeps | undefined;
function dependencies(): SubscriptionDeps {
  const config = runtimeConfig();
  deps ??= {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(),
    consentLog: new DynamoConsentLogStore(),
    messages: new DynamoMessageStore(),
    ephemeral: new DynamoEphemeralStore(),
    gateway: new EndUserMessagingGateway(),
    events: new EventBridgePublisher(),
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

export const handler = httpHandler({
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
    const payload = parseInput(CheckSchema, request.body);
    const d = dependencies();
    const result = await checkVerification(d, payload, requestContext(request, d.clock.now()));
    return { status: result.status, body: result.body };
  },
});
