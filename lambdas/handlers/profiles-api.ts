/** API Gateway → GET /v1/profiles/{phone} and its consent log → profile view or events, oldest first. */
import { changeStatus, isOutcome, readConsentLog } from '../domain/consent';
import { NotFoundError } from '../domain/errors';
import { normalisePhone } from '../domain/phone';
import { toProfileView } from '../domain/profile';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const profiles = new DynamoProfileStore();
const consentLog = new DynamoConsentLogStore();

function phoneParam(raw: string | undefined): string {
  return normalisePhone(raw, phonePolicy(runtimeConfig()), 'phone').e164;
}

export const handler = httpHandler({
  'GET /v1/profiles/{phone}': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const profile = await profiles.get(phone);
    if (!profile) throw new NotFoundError(`no profile for ${phone}`, 'phone');
    return { status: 200, body: toProfileView(profile) };
  },
  'GET /v1/profiles/{phone}/consent-log': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
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
});
