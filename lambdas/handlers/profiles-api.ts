/**
 * API Gateway → GET /v1/profiles/{phone}, its consent log, its messages and its preference-page link
 * → profile view, consent events (oldest first), a page of messages (newest first), or `{ url, expiresAt }`.
 */
import { changeStatus, isOutcome, readConsentLog } from '../domain/consent';
import { NotFoundError } from '../domain/errors';
import { historyCursor, messageHistoryView, parseHistoryQuery } from '../domain/message-history';
import { normalisePhone } from '../domain/phone';
import { toProfileView } from '../domain/profile';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoMessageStore } from '../adapters/message-store';
import { SecretsManagerPreferenceKeys } from '../adapters/preference-keys';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { preferenceLink } from '../services/preference-links';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('profilesApi');

let stores:
  | {
      profiles: DynamoProfileStore;
      consentLog: DynamoConsentLogStore;
      messages: DynamoMessageStore;
      preferenceKeys: SecretsManagerPreferenceKeys;
    }
  | undefined;
function dependencies() {
  const env = environment();
  stores ??= {
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    messages: new DynamoMessageStore(env.messagesTable),
    preferenceKeys: new SecretsManagerPreferenceKeys(env.preferenceKey, systemClock),
  };
  return stores;
}

function phoneParam(raw: string | undefined): string {
  return normalisePhone(raw, phonePolicy(runtimeConfig()), 'phone').e164;
}

export const handler = httpHandler(environment, {
  'GET /v1/profiles/{phone}': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const { profiles } = dependencies();
    const profile = await profiles.get(phone);
    if (!profile) throw new NotFoundError(`no profile for ${phone}`, 'phone');
    return { status: 200, body: toProfileView(profile) };
  },
  'GET /v1/profiles/{phone}/consent-log': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const { profiles, consentLog } = dependencies();
    const [entries, profile] = await Promise.all([consentLog.list(phone), profiles.get(phone)]);
    if (entries.length === 0 && !profile) throw new NotFoundError(`no profile for ${phone}`, 'phone');
    // Each change says where it stands (done, in progress, not applied, effects incomplete):
    // the log holds decisions, and their outcome entries say what became of them.
    const reading = readConsentLog(entries);
    const events = entries.map((entry) =>
      isOutcome(entry)
        ? entry
        : { ...entry, status: changeStatus(reading, entry, profile?.consentVersion ?? 0) },
    );
    return { status: 200, body: { phone, events } };
  },
  // For support agents: a fresh link each call, made only for a number Optline knows.
  'GET /v1/profiles/{phone}/preferences-link': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const { profiles, preferenceKeys } = dependencies();
    if (!(await profiles.get(phone))) throw new NotFoundError(`no profile for ${phone}`, 'phone');
    const link = await preferenceLink(
      preferenceKeys,
      {
        linkBase: environment().linkBase,
        ttlDays: runtimeConfig().preferences.linkTtlDays,
        now: systemClock.now(),
      },
      phone,
    );
    return { status: 200, body: link };
  },
  // A number nothing was ever sent to or received from has no messages: 200 with an empty list, not
  // 404, whether or not it has a profile (support asks about numbers that never subscribed too).
  'GET /v1/profiles/{phone}/messages': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const query = parseHistoryQuery(phone, request.query);
    const page = await dependencies().messages.pageByPhone(phone, query);
    return {
      status: 200,
      body: {
        phone,
        messages: page.messages.map(messageHistoryView),
        nextCursor: page.next ? historyCursor(phone, page.next) : null,
      },
    };
  },
});
