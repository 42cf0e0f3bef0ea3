/**
 * The preference page's use cases: read the state a link's token names, and make a change through
 * the consent recorder, as a keyword does (same log, same projection, same effects).
 */
import { createHash } from 'node:crypto';
import type { ConsentEvidence } from '../domain/consent';
import { consentStateOf } from '../domain/consent';
import {
  decidePreferenceChange,
  type PreferenceChange,
  type PreferenceRefusal,
} from '../domain/preference-changes';
import type { Profile } from '../domain/profile';
import type { PreferenceKeys } from '../domain/ports/preference-keys';
import { recordConsent, type ConsentRecorderDeps } from './consent-recorder';
import { openPreferenceToken } from './preference-links';

export interface PreferencePageDeps extends ConsentRecorderDeps {
  readonly keys: PreferenceKeys;
}

export interface OpenedPage {
  readonly phone: string;
  readonly expiresAt: Date;
  /** Undefined when the number has no profile any more. */
  readonly profile: Profile | undefined;
}

/** The page a token opens, or undefined for a tampered, expired or unknown token. */
export async function openPage(deps: PreferencePageDeps, token: string): Promise<OpenedPage | undefined> {
  const content = await openPreferenceToken(deps.keys, token, deps.clock.now());
  if (!content) return undefined;
  return { ...content, profile: await deps.profiles.get(content.phone) };
}

export interface PageRequest {
  readonly phone: string;
  readonly change: PreferenceChange;
  /** The form's one-time value: a resubmitted form records nothing twice. */
  readonly submission: string;
  readonly evidence: ConsentEvidence;
}

export type ChangeOutcome =
  | { readonly status: 'changed'; readonly profile: Profile | undefined }
  | { readonly status: 'refused'; readonly reason: PreferenceRefusal['reason'] };

export async function changePreferences(
  deps: PreferencePageDeps,
  request: PageRequest,
): Promise<ChangeOutcome> {
  const now = deps.clock.now();
  const eventId = `page-${createHash('sha256')
    .update(`${request.phone}|${request.submission}|${JSON.stringify(request.change)}`)
    .digest('hex')
    .slice(0, 32)}`;
  const outcome = await recordConsent<PreferenceRefusal>(
    deps,
    { phone: request.phone, at: now.toISOString(), eventId, evidence: request.evidence },
    (profile) =>
      decidePreferenceChange(consentStateOf(profile), request.change, {
        phone: request.phone,
        now,
        program: deps.config,
        replyKey: `reply#${eventId}`,
      }),
  );
  if (outcome.status === 'not_consent') return { status: 'refused', reason: outcome.decision.reason };
  return { status: 'changed', profile: await deps.profiles.get(request.phone) };
}
