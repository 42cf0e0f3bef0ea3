/** API Gateway → GET /v1/profiles/{phone} and its consent log → profile view or events, oldest first. */
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
    const events = await consentLog.list(phone);
    if (events.length === 0 && !(await profiles.get(phone))) {
      throw new NotFoundError(`no profile for ${phone}`, 'phone');
    }
    return { status: 200, body: { phone, events } };
  },
});
