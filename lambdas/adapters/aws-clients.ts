/**
 * AWS SDK clients, built once per execution environment and reused across invocations. Endpoints come
 * from the standard SDK environment variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`…), which
 * is the only difference between AWS and the local runtime.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CACHED_MIDDLEWARE, setUpClient } from './client-setup';

interface Clients {
  dynamo?: DynamoDBDocumentClient;
  sms?: PinpointSMSVoiceV2Client;
  smsOnce?: PinpointSMSVoiceV2Client;
  events?: EventBridgeClient;
  sfn?: SFNClient;
}

let clients: Clients = {};

export function dynamoClient(): DynamoDBDocumentClient {
  clients.dynamo ??= DynamoDBDocumentClient.from(setUpClient(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return clients.dynamo;
}

export function smsClient(): PinpointSMSVoiceV2Client {
  clients.sms ??= setUpClient(new PinpointSMSVoiceV2Client(CACHED_MIDDLEWARE));
  return clients.sms;
}

/**
 * End User Messaging without the SDK's own retries: for sends whose caller re-checks consent before
 * trying again. An SDK retry would resend, seconds later, a text decided before a STOP that arrived
 * in between.
 */
export function smsClientWithoutRetries(): PinpointSMSVoiceV2Client {
  clients.smsOnce ??= setUpClient(new PinpointSMSVoiceV2Client({ ...CACHED_MIDDLEWARE, maxAttempts: 1 }));
  return clients.smsOnce;
}

export function eventsClient(): EventBridgeClient {
  clients.events ??= setUpClient(new EventBridgeClient(CACHED_MIDDLEWARE));
  return clients.events;
}

export function sfnClient(): SFNClient {
  clients.sfn ??= setUpClient(new SFNClient(CACHED_MIDDLEWARE));
  return clients.sfn;
}

/** Drops cached clients so the next call picks up changed endpoint settings (local runtime restarts). */
export function resetClients(): void {
  for (const client of Object.values(clients)) client?.destroy();
  clients = {};
}
