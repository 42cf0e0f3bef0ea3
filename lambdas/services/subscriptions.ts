/**
 * Opt-in through the API: form and checkout subscriptions, and the one-time-code ("smart opt-in")
 * flow. Every change goes through the consent recorder, so the consent log holds the disclosure, its
 * version, IP, user agent and page of each one.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { ConsentClass, ConsentEvidence, ConsentMethod } from '../domain/consent';
import { consentStateOf } from '../domain/consent';
import { missingDisclosureElements } from '../domain/disclosure';
import { CodeRejectedError, ConsentRequiredError, RateLimitedError, ValidationError } from '../domain/errors';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import { isOptedOut, toProfileView, type Profile, type PropertyValue } from '../domain/profile';
import { rateLimitBuckets } from '../domain/rate-limits';
import { decideSubscription, requiresDoubleOptIn } from '../domain/subscription-engine';
import { checkCode, CODE_TTL_MS, MAX_ATTEMPTS, verificationMessage } from '../domain/verification';
import type { EphemeralStore } from '../domain/stores/ephemeral';
import { recordConsent, type ConsentRecorderDeps } from './consent-recorder';
import { send } from './send';

export interface SubscriptionDeps extends ConsentRecorderDeps {
  readonly ephemeral: EphemeralStore;
  readonly phonePolicy: PhonePolicy;
}

export interface ConsentPayload {
  readonly method: Exclude<ConsentMethod, 'keyword' | 'otp'>;
  readonly classes: readonly ConsentClass[];
  readonly disclosure?: { readonly text: string; readonly version: string };
  readonly pageUrl?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly checkedByUser: true;
  readonly uncheckedByDefault?: boolean;
}

export interface SubscriptionPayload {
  readonly phone: string;
  readonly source: string;
  readonly consent: ConsentPayload;
  readonly properties?: Readonly<Record<string, PropertyValue>>;
  readonly timeZone?: string;
}

export interface RequestContext {
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Client-supplied `Idempotency-Key`, or a key derived from the request. */
  readonly idempotencyKey: string;
}

/**
 * What a subscription request did: the number's consent now, and whether a double opt-in is still
 * waiting for the person's YES (`pending`).
 */
export interface SubscriptionResult {
  readonly pending: boolean;
  readonly view: ProfileView & { readonly textSent: boolean; readonly consentEventId?: string };
}

type ProfileView = ReturnType<typeof viewOf>;

/** Validates what a schema cannot: the disclosure's content and the checkout checkbox evidence. */
export function checkConsentEvidence(
  consent: ConsentPayload,
  deps: Pick<SubscriptionDeps, 'config'>,
  root = 'consent',
): void {
  if (consent.classes.includes('marketing')) {
    if (!consent.disclosure) {
      throw new ValidationError(
        `${root}.disclosure: marketing consent must carry the disclosure the person saw`,
        `${root}.disclosure`,
      );
    }
    const missing = missingDisclosureElements(consent.disclosure.text, deps.config);
    if (missing.length > 0) {
      throw new ValidationError(
        `${root}.disclosure.text: the disclosure lacks ${missing.join(', ')}`,
        `${root}.disclosure.text`,
      );
    }
  }
  if (consent.method === 'checkout' && consent.uncheckedByDefault !== true) {
    throw new ValidationError(
      `${root}.uncheckedByDefault: checkout consent must state that the box was unchecked by default (true) and checked by the user`,
      `${root}.uncheckedByDefault`,
    );
  }
}

/** The rate limits of every request that may text a number (per number, number block, IP, overall). */
export async function enforceRateLimits(
  deps: Pick<SubscriptionDeps, 'clock' | 'ephemeral' | 'config'>,
  phone: string | undefined,
  ip: string | undefined,
): Promise<void> {
  const now = deps.clock.now();
  const limited = await deps.ephemeral.consume(rateLimitBuckets({ phone, ip, now }, deps.config.rateLimits));
  if (limited)
    throw new RateLimitedError(
      `too many requests (${limited.scope} limit of ${limited.limit} per hour); try again later`,
      limited.scope === 'phone' || limited.scope === 'prefix' ? 'phone' : undefined,
      Math.max(1, Math.ceil((limited.windowEndsAt.getTime() - now.getTime()) / 1000)),
    );
}

function evidenceOf(
  payload: SubscriptionPayload,
  context: RequestContext,
  method: ConsentMethod,
): ConsentEvidence {
  const { consent } = payload;
  return {
    method,
    source: payload.source,
    ...(consent.disclosure ? { disclosure: consent.disclosure } : {}),
    ...(consent.pageUrl ? { pageUrl: consent.pageUrl } : {}),
    ...((consent.ip ?? context.sourceIp) ? { ip: consent.ip ?? context.sourceIp } : {}),
    ...((consent.userAgent ?? context.userAgent)
      ? { userAgent: consent.userAgent ?? context.userAgent }
      : {}),
    checkedByUser: consent.checkedByUser,
    ...(consent.uncheckedByDefault !== undefined ? { uncheckedByDefault: consent.uncheckedByDefault } : {}),
  };
}

async function recordSubscription(
  deps: SubscriptionDeps,
  phone: string,
  payload: SubscriptionPayload,
  context: RequestContext,
  possessionProven: boolean,
): Promise<SubscriptionResult> {
  const now = deps.clock.now();
  const method: ConsentMethod = possessionProven ? 'otp' : payload.consent.method;
  const eventId = `api-${context.idempotencyKey}`;
  const outcome = await recordConsent(
    deps,
    {
      phone,
      at: now.toISOString(),
      eventId,
      evidence: evidenceOf(payload, context, method),
      ...(payload.timeZone ? { timeZone: payload.timeZone } : {}),
    },
    (profile) =>
      decideSubscription(
        consentStateOf(profile),
        {
          phone,
          source: payload.source,
          classes: payload.consent.classes,
          method,
          properties: payload.properties,
          possessionProven,
          requireDoubleOptIn: requiresDoubleOptIn(deps.config, phone),
          replyKey: `reply#${eventId}`,
          now,
        },
        deps.config,
      ),
  );
  if (outcome.status === 'not_consent') {
    if (outcome.decision.kind === 'refused') {
      throw new ConsentRequiredError(outcome.decision.message, 'phone');
    }
    return { pending: false, view: { ...viewOf(outcome.profile, phone), textSent: false } };
  }
  const profile = await deps.profiles.get(phone);
  const textSent = outcome.replies.some((r) => r.status === 'sent');
  return {
    pending: profile?.marketing === 'pending',
    view: { ...viewOf(profile, phone), textSent, consentEventId: outcome.event.eventId },
  };
}

function viewOf(profile: Profile | undefined, phone: string) {
  return profile
    ? toProfileView(profile)
    : { phone, marketing: 'never_subscribed', transactional: 'never_subscribed' };
}

/** POST /v1/subscriptions */
export async function subscribe(
  deps: SubscriptionDeps,
  payload: SubscriptionPayload,
  context: RequestContext,
): Promise<SubscriptionResult> {
  const phone = normalisePhone(payload.phone, deps.phonePolicy).e164;
  checkConsentEvidence(payload.consent, deps);
  await enforceRateLimits(deps, phone, context.sourceIp);
  return recordSubscription(deps, phone, payload, context, false);
}

function hashCode(salt: string, code: string): string {
  return createHmac('sha256', salt).update(code).digest('hex');
}

/** POST /v1/verifications: texts a 6-digit code, stored only as a salted hash. */
export async function startVerification(
  deps: SubscriptionDeps,
  rawPhone: unknown,
  context: RequestContext,
): Promise<{ phone: string; expiresAt: string }> {
  const phone = normalisePhone(rawPhone, deps.phonePolicy).e164;
  await enforceRateLimits(deps, phone, context.sourceIp);
  const profile = await deps.profiles.get(phone);
  if (isOptedOut(profile) && profile?.optOutList?.listed) {
    throw new ConsentRequiredError(
      'this number opted out; it must text START or JOIN to receive texts again',
      'phone',
    );
  }
  const now = deps.clock.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('hex');
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS).toISOString();
  await deps.ephemeral.putVerification({
    phone,
    codeHash: hashCode(salt, code),
    salt,
    createdAt: now.toISOString(),
    expiresAt,
    attempts: 0,
  });
  const result = await send(deps, {
    to: phone,
    body: verificationMessage(deps.config.brand, code),
    messageClass: 'transactional',
    requestedByRecipient: true,
    idempotencyKey: `otp#${phone}#${now.toISOString()}`,
    profile: profile ?? null,
  });
  if (result.status === 'skipped') {
    throw new ConsentRequiredError(`the code could not be sent (${result.reason})`, 'phone');
  }
  return { phone, expiresAt };
}

/** POST /v1/verifications/check: a correct code subscribes directly (method `otp`). */
export async function checkVerification(
  deps: SubscriptionDeps,
  payload: SubscriptionPayload & { readonly code: string },
  context: RequestContext,
): Promise<SubscriptionResult> {
  const phone = normalisePhone(payload.phone, deps.phonePolicy).e164;
  checkConsentEvidence(payload.consent, deps);
  await enforceRateLimits(deps, undefined, context.sourceIp);
  const now = deps.clock.now();
  // Count the attempt before comparing, atomically, so parallel guesses cannot exceed the limit.
  const counted = await deps.ephemeral.countAttempt(phone, MAX_ATTEMPTS);
  const verification = await deps.ephemeral.getVerification(phone);
  const expected = verification ? Buffer.from(verification.codeHash, 'hex') : Buffer.alloc(32);
  const actual = Buffer.from(hashCode(verification?.salt ?? '', payload.code), 'hex');
  const matches = verification !== undefined && counted && timingSafeEqual(expected, actual);
  const check = checkCode(verification, { counted, matches }, now);
  switch (check.result) {
    case 'not_found':
      throw new CodeRejectedError(
        'code_not_found',
        'code: no code was requested for this number, or it was already used; request a new one',
      );
    case 'expired':
      throw new CodeRejectedError('code_expired', 'code: the code expired; request a new one');
    case 'too_many_attempts':
      throw new RateLimitedError('code: too many attempts; request a new code', 'code');
    case 'incorrect':
      throw new CodeRejectedError(
        'code_incorrect',
        `code: the code is incorrect (${check.attemptsLeft} attempts left)`,
      );
    case 'ok':
      break;
  }
  if (!(await deps.ephemeral.consumeVerification(phone))) {
    throw new CodeRejectedError('code_not_found', 'code: the code was already used; request a new one');
  }
  return recordSubscription(deps, phone, payload, context, true);
}
