/**
 * API Gateway → POST /v1/subscriptions, /v1/verifications, /v1/verifications/check (public,
 * browser-facing, rate-limited) → consent recorded, confirmation or code texted.
 */
import {
  SubscriptionSchema,
  VerificationCheckSchema,
  VerificationSchema,
} from '../domain/subscription-request';
import { parseInput } from '../domain/validation';
import {
  checkVerification,
  startVerification,
  subscribe,
  type SubscriptionDeps,
  type SubscriptionResult,
} from '../services/subscriptions';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { requestContext, subscriptionDependencies } from './shared/subscription-deps';

const environment = environmentOf('subscriptionsApi');

let deps: SubscriptionDeps | undefined;
function dependencies(): SubscriptionDeps {
  deps ??= subscriptionDependencies(environment());
  return deps;
}

/** 202 while a double opt-in waits for the person's YES, else 200. */
function subscriptionResponse(result: SubscriptionResult) {
  return { status: result.pending ? 202 : 200, body: result.view };
}

export const handler = httpHandler(environment, {
  'POST /v1/subscriptions': async (request) => {
    const payload = parseInput(SubscriptionSchema, request.body);
    const d = dependencies();
    const result = await subscribe(d, payload, requestContext(request, d.clock.now()));
    return subscriptionResponse(result);
  },
  'POST /v1/verifications': async (request) => {
    const payload = parseInput(VerificationSchema, request.body);
    const d = dependencies();
    const started = await startVerification(d, payload.phone, requestContext(request, d.clock.now()));
    return { status: 202, body: started };
  },
  'POST /v1/verifications/check': async (request) => {
    const payload = parseInput(VerificationCheckSchema, request.body);
    const d = dependencies();
    const result = await checkVerification(d, payload, requestContext(request, d.clock.now()));
    return subscriptionResponse(result);
  },
});
