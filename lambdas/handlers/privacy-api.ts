/**
 * API Gateway → GET /v1/profiles/{phone}/export and DELETE /v1/profiles/{phone} → everything held
 * about a number as one document, or its erasure (docs/privacy.md). The erasure is logged with the
 * number's keyed hash, never the number. An export larger than a response carries is answered with a
 * short-lived download link (./shared/download-response.ts).
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { normalisePhone } from '../domain/phone';
import type { EventPublisher } from '../domain/ports/event-publisher';
import type { SmsGateway } from '../domain/ports/sms-gateway';
import { secretsClient } from '../adapters/aws-clients';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { S3DownloadLinks } from '../adapters/download-links';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoPersonalDataStore } from '../adapters/personal-data-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { eraseProfile, exportProfile, type PrivacyDeps } from '../services/privacy';
import { downloadResponse, MAX_RESPONSE_BYTES, responseBytes } from './shared/download-response';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { logger, phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('privacyApi');

/** An erasure sends nothing and publishes nothing: a call to either is a bug. */
const noEffects = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('an erasure has no replies and no events');
    },
  },
) as SmsGateway & EventPublisher;

let deps: PrivacyDeps | undefined;
let downloads: S3DownloadLinks | undefined;
function dependencies(): PrivacyDeps {
  const env = environment();
  let key: Promise<string> | undefined;
  deps ??= {
    clock: systemClock,
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    personalData: new DynamoPersonalDataStore({
      profiles: env.profilesTable,
      messages: env.messagesTable,
      activity: env.activityTable,
      links: env.linksTable,
      campaigns: env.campaignsTable,
      suppressions: env.suppressionsTable,
    }),
    privacyKey: () => {
      key ??= secretsClient()
        .send(new GetSecretValueCommand({ SecretId: env.privacyKey }))
        .then((answer) => {
          if (!answer.SecretString) throw new Error('the privacy key secret has no value');
          return answer.SecretString;
        });
      key.catch(() => (key = undefined));
      return key;
    },
    recorder: {
      clock: systemClock,
      config: runtimeConfig(),
      profiles: new DynamoProfileStore(env.profilesTable),
      messages: new DynamoMessageStore(env.messagesTable),
      consentLog: new DynamoConsentLogStore(env.consentLogTable),
      gateway: noEffects,
      events: noEffects,
    },
  };
  return deps;
}

function phoneParam(raw: string | undefined): string {
  return normalisePhone(raw, phonePolicy(runtimeConfig()), 'phone').e164;
}

export const handler = httpHandler(environment, {
  'GET /v1/profiles/{phone}/export': async (request) => {
    const phone = phoneParam(request.pathParameters.phone);
    const body = await exportProfile(dependencies(), phone);
    const json = Buffer.from(JSON.stringify(body));
    if (responseBytes(json, false) <= MAX_RESPONSE_BYTES) return { status: 200, body };
    downloads ??= new S3DownloadLinks(environment().downloadsBucket, 'exports/', systemClock);
    return downloadResponse(downloads, {
      body: json,
      contentType: 'application/json',
      fileName: `export-${phone.slice(1)}.json`,
    });
  },
  'DELETE /v1/profiles/{phone}': async (request) => {
    const result = await eraseProfile(dependencies(), phoneParam(request.pathParameters.phone));
    // The request's record: the keyed hash, never the number.
    logger.info('Profile erased', { phoneHash: result.phoneHash, erased: result.erased });
    return { status: 200, body: result };
  },
});
