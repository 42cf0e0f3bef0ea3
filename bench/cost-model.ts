/**
 * Prices what the local runtime served (bench/usage.ts) with bench/prices.json, and the texts
 * themselves with the US price of lambdas/domain/sms-prices.ts (AWS base price + carrier fee).
 *
 * Approximations: Lambda GB-seconds use the durations measured locally (every function shares one
 * Node.js thread with dynalite and the emulators, so they are upper bounds, except the campaign
 * sender, whose billed time in AWS is its pacing: recipients / its share of the MPS); DynamoDB units
 * come from the meter's estimate (local/dynamo-meter.ts); X-Ray and CloudWatch Logs are modelled
 * per invocation, not measured.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PRICES } from '../lambdas/domain/sms-prices';
import { dynamoTotals, smsCalls, type Usage } from './usage';

interface PriceLine {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly checked: string;
}

export type PriceKey =
  | 'dynamodbWriteRequestUnit'
  | 'dynamodbReadRequestUnit'
  | 'lambdaRequest'
  | 'lambdaGbSecondArm64'
  | 'stepFunctionsStandardTransition'
  | 'sqsRequest'
  | 'eventBridgeCustomEvent'
  | 'schedulerInvocation'
  | 'snsPublish'
  | 'apiGatewayHttpRequest'
  | 'xrayTraceRecorded'
  | 'cloudWatchLogsIngestedGb'
  | 'endUserMessagingApiCall';

export const PRICES = (
  JSON.parse(readFileSync(resolve(__dirname, 'prices.json'), 'utf8')) as {
    prices: Record<PriceKey, PriceLine>;
  }
).prices;

/** Share of invocations the default X-Ray sampling rule records (model assumption). */
const XRAY_SAMPLED = 0.05;
/** Log bytes ingested per invocation (model assumption). */
const LOG_BYTES_PER_INVOCATION = 512;

export interface CostLine {
  readonly service: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
  /** Modelled from invocation counts rather than counted. */
  readonly modelled?: boolean;
}

export function costLines(usage: Usage): CostLine[] {
  const dynamo = dynamoTotals(usage);
  const lambdas = Object.values(usage.lambda);
  const invocations = lambdas.reduce((sum, l) => sum + l.invocations, 0);
  const gbSeconds = lambdas.reduce((sum, l) => sum + (l.durationMs / 1000) * (l.memoryMb / 1024), 0);
  const sqs = [...Object.values(usage.sqs), ...Object.values(usage.sqsPoller)].reduce((a, b) => a + b, 0);
  const eum = Object.values(smsCalls(usage)).reduce((a, b) => a + b, 0);
  const line = (service: string, quantity: number, key: PriceKey, modelled = false): CostLine => ({
    service,
    quantity,
    unit: PRICES[key].unit,
    usd: quantity * PRICES[key].usd,
    ...(modelled ? { modelled } : {}),
  });
  return [
    line('DynamoDB writes (WRU)', dynamo.writeUnits, 'dynamodbWriteRequestUnit'),
    line('DynamoDB reads (RRU)', dynamo.readUnits, 'dynamodbReadRequestUnit'),
    line('Lambda requests', invocations, 'lambdaRequest'),
    line('Lambda GB-seconds', gbSeconds, 'lambdaGbSecondArm64'),
    line('Step Functions transitions', usage.stepFunctions.transitions, 'stepFunctionsStandardTransition'),
    line('SQS requests', sqs, 'sqsRequest'),
    line('EventBridge events', usage.busEvents, 'eventBridgeCustomEvent'),
    line('Scheduler invocations', usage.schedulerInvocations, 'schedulerInvocation'),
    line('SNS publishes', usage.snsPublishes, 'snsPublish'),
    line('API Gateway requests', usage.apiRequests, 'apiGatewayHttpRequest'),
    line('X-Ray traces', invocations * XRAY_SAMPLED, 'xrayTraceRecorded', true),
    {
      service: 'CloudWatch Logs MB',
      quantity: (invocations * LOG_BYTES_PER_INVOCATION) / 1024 ** 2,
      unit: 'MB of logs ingested',
      usd: ((invocations * LOG_BYTES_PER_INVOCATION) / 1024 ** 3) * PRICES.cloudWatchLogsIngestedGb.usd,
      modelled: true,
    },
    line('End User Messaging API calls', eum, 'endUserMessagingApiCall'),
  ];
}

export function infrastructureUsd(usage: Usage): number {
  return costLines(usage).reduce((sum, line) => sum + line.usd, 0);
}

/** The US price of one SMS segment: AWS base price plus the carrier fee. */
export const US_SMS_SEGMENT_USD =
  (DEFAULT_PRICES.US?.smsUsd ?? 0) + (DEFAULT_PRICES.US?.smsCarrierFeeUsd ?? 0);
export const US_MMS_USD = (DEFAULT_PRICES.US?.mmsUsd ?? 0) + (DEFAULT_PRICES.US?.mmsCarrierFeeUsd ?? 0);

/** What the texts in the usage cost at US prices. */
export function messagingUsd(usage: Usage): number {
  return usage.texts.smsSegments * US_SMS_SEGMENT_USD + usage.texts.mms * US_MMS_USD;
}
