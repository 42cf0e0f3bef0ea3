/**
 * Privacy requests: the export of everything held about a number, and its erasure
 * (docs/privacy.md). The erasure runs in an order a retry can finish: the suppression record and
 * the `profile_erased` consent change first (from then on nothing is sent to the number and a later
 * opt-in starts from the erased state), then messages, activity and links, the profile last.
 */
import type { Clock } from '../domain/clock';
import { consentStateOf, readConsentLog, effectiveChanges } from '../domain/consent';
import { NotFoundError } from '../domain/errors';
import { erasureChange, phoneHash as hashOf, type SuppressionRecord } from '../domain/privacy';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import type { PersonalDataStore } from '../domain/stores/personal-data';
import { recordConsent, type ConsentRecorderDeps } from './consent-recorder';

export interface PrivacyDeps {
  readonly clock: Clock;
  readonly consentLog: ConsentLogStore;
  readonly personalData: PersonalDataStore;
  /** The key of the suppression records' hash (a Secrets Manager secret). */
  readonly privacyKey: () => Promise<string>;
  /** What recording the erasure in the consent log needs (it has no reply, event or list change). */
  readonly recorder: ConsentRecorderDeps;
}

export async function exportProfile(deps: PrivacyDeps, phone: string) {
  const [profile, consentLog, messages, activity] = await Promise.all([
    deps.personalData.profile(phone),
    deps.consentLog.list(phone),
    deps.personalData.messages(phone),
    deps.personalData.activity(phone),
  ]);
  if (!profile && consentLog.length === 0 && messages.length === 0 && activity.length === 0)
    throw new NotFoundError(`nothing is held about ${phone}`, 'phone');
  const clicks = await deps.personalData.links(phone, messages);
  return {
    phone,
    exportedAt: deps.clock.now().toISOString(),
    profile: profile ?? null,
    properties: profile?.properties ?? {},
    consentLog,
    messages,
    activity,
    clicks,
  };
}

export async function eraseProfile(deps: PrivacyDeps, phone: string) {
  const key = await deps.privacyKey();
  const phoneHash = hashOf(key, phone);
  const [profile, entries, earlier] = await Promise.all([
    deps.personalData.profile(phone),
    deps.consentLog.list(phone),
    deps.personalData.suppression(phoneHash),
  ]);
  const messages = await deps.personalData.messages(phone);
  if (!profile && entries.length === 0 && messages.length === 0 && !earlier)
    throw new NotFoundError(`nothing is held about ${phone}`, 'phone');

  // Recorded once: a repeated request (or a retry) finds the erasure as the last change.
  const last = effectiveChanges(readConsentLog(entries)).at(-1);
  let erasure = last?.action === 'profile_erased' ? last : undefined;
  if (!erasure) {
    const now = deps.clock.now().toISOString();
    const recorded = await recordConsent(
      deps.recorder,
      {
        phone,
        at: now,
        eventId: `erasure-${readConsentLog(entries).lastSeq + 1}`,
        evidence: { method: 'api', source: 'privacy_request' },
      },
      (current) => erasureChange(consentStateOf(current)),
    );
    if (recorded.status !== 'recorded') throw new Error('an erasure is always a consent change');
    erasure = recorded.event;
  }
  const kept = erasure.next;
  const suppression: SuppressionRecord = {
    phoneHash,
    erasedAt: earlier?.erasedAt ?? erasure.recordedAt,
    marketing: kept.marketing,
    transactional: kept.transactional,
    ...(kept.optedOutAt ? { optedOutAt: kept.optedOutAt } : {}),
    ...(kept.optOutList ? { optOutList: kept.optOutList } : {}),
    consentSeq: erasure.seq,
    ...(erasure.hash ? { consentHead: erasure.hash } : {}),
  };
  await deps.personalData.putSuppression(suppression);

  const [activity, links] = await Promise.all([
    deps.personalData.activity(phone),
    deps.personalData.links(phone, messages),
  ]);
  await deps.personalData.deleteAll(
    'links',
    links.map((l) => ({ code: l.code })),
  );
  await deps.personalData.deleteAll(
    'messages',
    messages.map((m) => ({ messageId: m.messageId })),
  );
  await deps.personalData.deleteAll(
    'activity',
    activity.map((a) => ({ phone, activityKey: a.activityKey })),
  );
  await deps.personalData.deleteProfile(phone);
  return {
    phoneHash,
    erasedAt: suppression.erasedAt,
    erased: {
      profile: profile !== undefined,
      messages: messages.length,
      activity: activity.length,
      links: links.length,
    },
    kept: {
      consentLogEntries: (await deps.consentLog.list(phone)).length,
      suppression: {
        marketing: suppression.marketing,
        transactional: suppression.transactional,
        optedOutAt: suppression.optedOutAt ?? null,
      },
    },
  };
}
