/**
 * AWS SDK clients, built once per execution environment and reused across invocations. Endpoints come
 * from the standard SDK environment variables, which is the only difference between AWS and the
 * local runtime.
 *
 * A client belongs to the environment it was built from (see `environmentClient`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CACHED_MIDDLEWARE, environmentClient, HTTP_HANDLER, setUpClient } from './client-setup';

export function dynamoClient(): DynamoDBDocumentClient {
  return environmentClient('dynamo', () =>
    DynamoDBDocumentClient.from(setUpClient(new DynamoDBClient({ ...HTTP_HANDLER })), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  );
}

/**
 * End User Messaging with the SDK's retries, for texts no retry would decide again (keyword replies:
 * compliance texts, and the replies of custom keywords such as PAUSE): 5 attempts rather than 3, so two keyword replies in the same second of a 1-MPS number ride
 * out the throttle inside the invocation (the SDK waits up to 1, 2, 4 and 8 s after a throttle; with 3
 * attempts about one time in four it gave up under a second and the reply waited for Lambda's retry).
 */
export const SMS_MAX_ATTEMPTS = 5;

export function smsClient(): PinpointSMSVoiceV2Client {
  return environmentClient('sms', () =>
    setUpClient(
      new PinpointSMSVoiceV2Client({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER, maxAttempts: SMS_MAX_ATTEMPTS }),
    ),
  );
}

/**
 * End User Messaging without the SDK's own retries: for sends whose caller re-checks consent before
 * trying again. An SDK retry would resend, seconds later, a text decided before a STOP that arrived
 * in between.
 */
export function smsClientWithoutRetries(): PinpointSMSVoiceV2Client {
  return environmentClient('smsOnce', () =>
    setUpClient(new PinpointSMSVoiceV2Client({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER, maxAttempts: 1 })),
  );
}

export function eventsClient(): EventBridgeClient {
  return environmentClient('events', () =>
    setUpClient(new EventBridgeClient({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER })),
  );
}

export function sfnClient(): SFNClient {
  return environmentClient('sfn', () =>
    setUpClient(new SFNClient({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER })),
  );
}

export function secretsClient(): SecretsManagerClient {
  return environmentClient('secrets', () =>
    setUpClient(new SecretsManagerClient({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER })),
  );
}

export function kmsClient(): KMSClient {
  return environmentClient('kms', () =>
    setUpClient(new KMSClient({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER })),
  );
}

export { resetClients } from './client-setup';
