/** SQS (campaign recipients) → texts at the paced rate → partial batch failures for SQS to redeliver. */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { queues } from '../../lib/catalog';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoLinkStore } from '../adapters/link-store';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { SqsQueueSender } from '../adapters/queue-sender';
import { systemClock } from '../adapters/system-clock';
import { sendCampaignBatch, type QueuedRecipients, type SenderDeps } from '../services/campaign-sender';
import { Pacer } from '../services/pacer';
import { ThroughputShare } from '../services/throughput-share';
import { DynamoSenderLeaseStore } from '../adapters/sender-lease-store';
import { environmentOf } from '../../lib/function-environment';
import { preferencesUrlMaker } from './shared/preference-links';
import { logger, runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';
import { smsGateway } from './shared/sms';

/** A queue message body `{ campaignId, recipients }`, or undefined when malformed (checked by hand: no schema library in the hot path). */
function parseBody(text: string): { campaignId: string; recipients: string[]; zones?: string[] } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { campaignId, recipients, zones } = (body ?? {}) as {
    campaignId?: unknown;
    recipients?: unknown;
    zones?: unknown;
  };
  if (typeof campaignId !== 'string' || campaignId === '' || !Array.isArray(recipients)) return undefined;
  if (recipients.length === 0 || recipients.length > 500 || !recipients.every((r) => typeof r === 'string'))
    return undefined;
  // Zones are a hint (a text held by quiet hours skips its read); recipientsOf pairs them with the
  // recipients, or drops them.
  const hinted = Array.isArray(zones) && zones.every((z) => typeof z === 'string');
  return {
    campaignId,
    recipients: recipients as string[],
    ...(hinted ? { zones: zones as string[] } : {}),
  };
}

const environment = environmentOf('campaignSender');

let deps: Omit<SenderDeps, 'pacer' | 'share'> | undefined;
let leases: DynamoSenderLeaseStore | undefined;

/**
 * The number's messages per second, and what no set of the queue's concurrent consumers can exceed
 * together when each takes an equal part: the rate before the leases say how many are sending.
 */
function rates(): { identityMps: number; equalPartMps: number } {
  const identityMps = environment().messagesPerSecond;
  return { identityMps, equalPartMps: identityMps / queues.campaignSends.maxConcurrency };
}

/** The sender's dependencies in this environment, with a fresh pacer (exported for tests). */
export function dependencies(): SenderDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    campaigns: new DynamoCampaignStore(env.campaignsTable),
    profiles: new DynamoProfileStore(env.profilesTable),
    messages: new DynamoMessageStore(env.messagesTable),
    links: new DynamoLinkStore(env.linksTable),
    gateway: smsGateway(env),
    queue: new SqsQueueSender(),
    queueUrl: env.campaignSendsQueueUrl,
    linkBase: env.linkBase,
    preferencesUrl: preferencesUrlMaker(env),
  };
  // One pacer per invocation: each concurrent consumer paces its own share (in AWS they are separate
  // execution environments; the local runtime runs them in one process).
  return { ...deps, pacer: new Pacer(rates().equalPartMps) };
}

/** This invocation's fair share of the number's rate, held by a lease while it sends. */
function throughputShare(pacer: Pacer, senderId: string): ThroughputShare {
  const { identityMps, equalPartMps } = rates();
  leases ??= new DynamoSenderLeaseStore(environment().ephemeralTable);
  return new ThroughputShare({
    store: leases,
    identity: environment().originationIdentity,
    identityMps,
    fallbackMps: equalPartMps,
    senderId,
    pacer,
    onError: (error) => logger.warn('Throughput lease not renewed; sending at an equal part', { error }),
  });
}

async function drain(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const batch: QueuedRecipients[] = [];
  const malformed: string[] = [];
  for (const record of event.Records) {
    const parsed = parseBody(record.body);
    if (parsed) batch.push({ messageId: record.messageId, ...parsed });
    else malformed.push(record.messageId);
  }
  if (malformed.length > 0)
    logger.error('Malformed campaign queue messages dropped', { count: malformed.length });
  const sender = dependencies();
  const { failedMessageIds } = await sendCampaignBatch(
    {
      ...sender,
      share: throughputShare(sender.pacer, context.awsRequestId),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    batch,
  );
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = eventHandler(environment, drain);
