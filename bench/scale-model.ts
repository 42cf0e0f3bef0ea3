/**
 * A campaign to 1 and 10 million subscribers, projected from the per-message counts the campaign
 * cost case measured, at a short code's 100 MPS and at a pool of 10 such numbers (1,000 MPS; or one
 * short code raised to 1,000 MPS: AWS treats spreading one program over many numbers as snowshoeing,
 * so a pool needs carrier approval).
 *
 * Latencies in AWS are assumptions (from memory, typical same-region figures), not measurements:
 * a 500-item Query page of the subscriber index 25 ms, a SendMessageBatch 15 ms, a delivery-events
 * invocation 20 ms plus 3 ms per event of its batch (16 recorded at once, a few writes each). Quotas are AWS defaults; each names its source or says "from memory". Pages:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html,
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/sms-limitations-mps.html.
 */
import { functions, queues } from '../lib/catalog';
import { MARKETING_SHARDS } from '../lambdas/domain/stores/profile';
import { MAX_DELAY_SECONDS } from '../lambdas/domain/ports/queue-sender';
import { RECIPIENTS_PER_MESSAGE } from '../lambdas/services/campaigns';
import { infrastructureUsd, messagingUsd, PRICES } from './cost-model';
import { dynamoTotals, type Usage } from './usage';

const QUERY_PAGE_MS = 25;
const QUERY_PAGE_ITEMS = 500;
const SEND_BATCH_MS = 15;
const DELIVERY_INVOCATION_MS = 20;
const DELIVERY_EVENT_MS = 3;
const SENDING_WINDOW_HOURS = 13; // 08:00–21:00 local (quietHours default, TCPA)
/** A sender invocation that only holds texts again (one campaign read, one SendMessageBatch): assumed. */
const HOLD_INVOCATION_MS = 30;

export interface Quota {
  readonly name: string;
  /** A few words for the "binds first" line. */
  readonly short: string;
  readonly limit: string;
  readonly source: string;
  /** Demand / limit in this scenario (> 1: the quota is exceeded). */
  readonly utilization: number;
}

export interface ScaleScenario {
  readonly subscribers: number;
  readonly mps: number;
  readonly label: string;
  readonly sendHours: number;
  readonly sendingDays: number;
  readonly estimateSeconds: number;
  readonly dispatchSeconds: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly peakWriteUnitsPerSecond: number;
  readonly campaignItemWritesPerSecond: number;
  readonly peakLambdaConcurrency: number;
  readonly queuedMessages: number;
  readonly inFlightMessages: number;
  /**
   * Queue messages that go round again overnight, past the first day's sending window: texts held by
   * quiet hours come back every 15 minutes (the sender holds them again without reading profiles).
   */
  readonly heldMessageRounds: number;
  /** What those rounds cost (SQS requests, sender invocations, a campaign read each); in the total. */
  readonly heldUsd: number;
  readonly infrastructureUsd: number;
  readonly messagingUsd: number;
  /** In the order a campaign meets them: creation, dispatch, sending. */
  readonly quotas: readonly Quota[];
  readonly bindsFirst: string;
}

export interface PerMessage {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Write units of the messages table itself (without its byPhone index). */
  readonly messagesTableWriteUnits: number;
  readonly campaignItemWriteUnits: number;
  readonly deliveryInvocations: number;
  readonly busEvents: number;
  readonly infrastructureUsd: number;
  readonly messagingUsd: number;
}

export function perMessage(usage: Usage, texts: number): PerMessage {
  const dynamo = dynamoTotals(usage);
  // The table's own write units: its indexes have their own throughput.
  const tableUnits = (suffix: string) =>
    Object.entries(usage.dynamo)
      .filter(([key]) => key.endsWith(suffix))
      .reduce((sum, [, value]) => sum + value.writeUnits - (value.indexWriteUnits ?? 0), 0);
  return {
    readUnits: dynamo.readUnits / texts,
    writeUnits: dynamo.writeUnits / texts,
    messagesTableWriteUnits: tableUnits('-messages') / texts,
    campaignItemWriteUnits: tableUnits('-campaigns') / texts,
    deliveryInvocations: (usage.lambda.deliveryEvents?.invocations ?? 0) / texts,
    busEvents: usage.busEvents / texts,
    infrastructureUsd: infrastructureUsd(usage) / texts,
    messagingUsd: messagingUsd(usage) / texts,
  };
}

export function scaleScenarios(per: PerMessage): ScaleScenario[] {
  const scenarios: ScaleScenario[] = [];
  for (const subscribers of [1_000_000, 10_000_000]) {
    for (const [mps, label] of [
      [100, 'short code, 100 MPS'],
      [1000, 'pool, 10 × 100 MPS'],
    ] as const) {
      scenarios.push(scenario(per, subscribers, mps, label));
    }
  }
  return scenarios;
}

function scenario(per: PerMessage, subscribers: number, mps: number, label: string): ScaleScenario {
  const sendHours = subscribers / mps / 3600;
  const pages = subscribers / QUERY_PAGE_ITEMS;
  // Both page the index's shards all at once (forEachSubscriber); the dispatcher also puts one
  // SendMessageBatch per page on the queue before that shard's next page.
  const estimateSeconds = (pages * QUERY_PAGE_MS) / MARKETING_SHARDS / 1000;
  const dispatchSeconds = (pages * (QUERY_PAGE_MS + SEND_BATCH_MS)) / MARKETING_SHARDS / 1000;
  const sender = queues.campaignSends;
  // Invocations a second × seconds each (the fixed part, then every event of the batch).
  const deliveryConcurrency = Math.ceil(
    (mps * (per.deliveryInvocations * DELIVERY_INVOCATION_MS + DELIVERY_EVENT_MS)) / 1000,
  );
  const peakLambdaConcurrency = sender.maxConcurrency + deliveryConcurrency + 1;
  const messagesWrites = per.messagesTableWriteUnits * mps;
  const campaignItemWritesPerSecond = per.campaignItemWriteUnits * mps;
  const inFlightMessages = sender.maxConcurrency * sender.batchSize;
  const quotas: Quota[] = [
    {
      // Past `campaignEstimateSeconds` (20 s) the create call answers 202 and the dispatcher counts.
      name: 'campaign estimate',
      short: 'the audience count (20 s in the create call, then the dispatcher’s 900 s)',
      limit: '900 s',
      source: 'lib/catalog.ts (Lambda maximum); campaignEstimateSeconds',
      utilization: estimateSeconds / 900,
    },
    {
      name: 'dispatcher, one invocation',
      short: 'the dispatcher (900 s Lambda timeout)',
      limit: '900 s',
      source: 'lib/catalog.ts (Lambda maximum)',
      utilization: dispatchSeconds / 900,
    },
    {
      name: 'sending window (quiet hours)',
      short: 'the 13-hour sending window',
      limit: `${SENDING_WINDOW_HOURS} h/day`,
      source: 'config quietHours 08:00–21:00',
      utilization: sendHours / SENDING_WINDOW_HOURS,
    },
    {
      name: 'campaign item counter writes',
      short: 'the campaign item (1,000 WCU/s per partition)',
      limit: '1,000 WCU/s',
      source: 'DynamoDB partition limit, from memory',
      utilization: campaignItemWritesPerSecond / 1000,
    },
    {
      name: 'messages table, new on-demand',
      short: 'a new on-demand messages table (4,000 WRU/s)',
      limit: '4,000 WRU/s',
      source: 'on-demand initial peak, from memory',
      utilization: messagesWrites / 4000,
    },
    {
      name: 'messages table, on-demand maximum',
      short: 'the messages table (40,000 WRU/s)',
      limit: '40,000 WRU/s',
      source: 'DynamoDB quotas page (docs.aws.amazon.com)',
      utilization: messagesWrites / 40_000,
    },
    {
      name: 'Lambda concurrency',
      short: 'Lambda concurrency (1,000)',
      limit: '1,000',
      source: 'account default, from memory',
      utilization: peakLambdaConcurrency / 1000,
    },
    {
      name: 'SQS in-flight messages',
      short: 'SQS in-flight (120,000)',
      limit: '120,000',
      source: 'SQS quotas page (docs.aws.amazon.com)',
      utilization: inFlightMessages / 120_000,
    },
    {
      name: 'EventBridge PutEvents',
      short: 'EventBridge PutEvents (10,000/s)',
      limit: '10,000/s',
      source: 'us-east-1 default, from memory',
      utilization: (per.busEvents * mps) / 10_000,
    },
    {
      name: "number's (pool's) MPS",
      short: `the number's ${mps} MPS`,
      limit: '100 / 1,000',
      source: 'SMS MPS page (docs.aws.amazon.com): short code 100',
      utilization: 1,
    },
  ];
  const exceeded = quotas.find((q) => q.utilization > 1);
  const held = heldRounds(subscribers, mps);
  return {
    subscribers,
    mps,
    label,
    sendHours,
    sendingDays: Math.ceil(sendHours / SENDING_WINDOW_HOURS),
    estimateSeconds,
    dispatchSeconds,
    readUnits: per.readUnits * subscribers,
    writeUnits: per.writeUnits * subscribers,
    peakWriteUnitsPerSecond: per.writeUnits * mps,
    campaignItemWritesPerSecond,
    peakLambdaConcurrency,
    queuedMessages: Math.ceil(subscribers / RECIPIENTS_PER_MESSAGE),
    inFlightMessages,
    heldMessageRounds: held.messageRounds,
    heldUsd: held.usd,
    infrastructureUsd: per.infrastructureUsd * subscribers + held.usd,
    messagingUsd: per.messagingUsd * subscribers,
    quotas,
    bindsFirst: exceeded ? exceeded.short : `the number's ${mps} MPS`,
  };
}

/**
 * A campaign longer than one day's sending window: each night, the recipients not yet texted go round
 * the queue every 15 minutes until morning (one window a day for everyone: zones are not modelled).
 * Per batch of the queue's messages: a receive, a delete and a SendMessageBatch, one sender invocation
 * and one campaign read.
 */
function heldRounds(subscribers: number, mps: number): { messageRounds: number; usd: number } {
  const roundsPerNight = ((24 - SENDING_WINDOW_HOURS) * 3600) / MAX_DELAY_SECONDS;
  const perDay = mps * SENDING_WINDOW_HOURS * 3600;
  let recipientRounds = 0;
  for (let day = 1; day * perDay < subscribers; day++) {
    recipientRounds += (subscribers - day * perDay) * roundsPerNight;
  }
  const messageRounds = recipientRounds / RECIPIENTS_PER_MESSAGE;
  const batches = messageRounds / queues.campaignSends.batchSize;
  const gbSeconds = batches * (HOLD_INVOCATION_MS / 1000) * (functions.campaignSender.memoryMb / 1024);
  const usd =
    batches * 3 * PRICES.sqsRequest.usd +
    batches * PRICES.lambdaRequest.usd +
    gbSeconds * PRICES.lambdaGbSecondArm64.usd +
    batches * PRICES.dynamodbReadRequestUnit.usd;
  return { messageRounds, usd };
}
