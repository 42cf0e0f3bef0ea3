/**
 * What the local runtime served, as counters that can be subtracted: DynamoDB requests and units
 * (the meter in local/dynamo-meter.ts), Lambda invocations and durations, Step Functions transitions,
 * SQS, EventBridge, Scheduler, SNS and End User Messaging requests, API requests and texts sent.
 */
import { functions, type FunctionId } from '../lib/catalog';
import type { DynamoUsage } from '../local/dynamo-meter';
import type { LocalRuntime } from '../local/runtime';

export interface LambdaUsage {
  invocations: number;
  errors: number;
  durationMs: number;
  memoryMb: number;
}

export interface Usage {
  /** By `<Operation> <table>`. */
  dynamo: Record<string, DynamoUsage>;
  lambda: Record<string, LambdaUsage>;
  stepFunctions: { executions: number; transitions: number };
  /** SQS API calls by operation (SendMessageBatch…). */
  sqs: Record<string, number>;
  /** SQS calls of the event source mapping for the work done (ReceiveMessage, DeleteMessageBatch). */
  sqsPoller: Record<string, number>;
  /** Custom events put on the bus (EventBridge bills per event). */
  busEvents: number;
  schedulerInvocations: number;
  /** Requests served by the local AWS endpoint, by `Service.Operation`. */
  aws: Record<string, number>;
  /** Messages published to SNS topics: delivery reports and inbound texts. */
  snsPublishes: number;
  /** HTTP API requests (invocations of functions behind the API). */
  apiRequests: number;
  texts: { sms: number; mms: number; smsSegments: number };
}

export async function snapshot(runtime: LocalRuntime): Promise<Usage> {
  const lambda: Record<string, LambdaUsage> = {};
  let apiRequests = 0;
  for (const [id, stats] of runtime.lambdas.stats) {
    lambda[id] = { ...stats, memoryMb: functions[id].memoryMb };
    if (functions[id as FunctionId].trigger.kind === 'http') apiRequests += stats.invocations;
  }
  let transitions = 0;
  for (const execution of runtime.stepFunctions.executions.values()) transitions += execution.transitions;
  let sms = 0;
  let mms = 0;
  let smsSegments = 0;
  for (const message of runtime.sms.outbox) {
    if (message.messageType === 'MMS') mms += 1;
    else {
      sms += 1;
      smsSegments += segments(message.body);
    }
  }
  return {
    dynamo: Object.fromEntries(await runtime.dynamo.meter.snapshot()),
    lambda,
    stepFunctions: { executions: runtime.stepFunctions.executions.size, transitions },
    sqs: Object.fromEntries(runtime.sqs.requests),
    sqsPoller: Object.fromEntries(runtime.sqs.pollerRequests),
    busEvents: runtime.bus.events.length,
    schedulerInvocations: runtime.scheduler.invocations,
    aws: Object.fromEntries(runtime.aws.counts),
    snsPublishes: runtime.deliveries.published + runtime.sms.inbox.length,
    apiRequests,
    texts: { sms, mms, smsSegments },
  };
}

/** `after - before`, field by field (entries that end up zero are dropped). */
export function difference(after: Usage, before: Usage): Usage {
  return combine(after, before, -1);
}

/** The sum of usages (for samples of the same thing). */
export function total(usages: readonly Usage[]): Usage {
  return usages.reduce((acc, usage) => combine(acc, usage, 1), emptyUsage());
}

export function emptyUsage(): Usage {
  return {
    dynamo: {},
    lambda: {},
    stepFunctions: { executions: 0, transitions: 0 },
    sqs: {},
    sqsPoller: {},
    busEvents: 0,
    schedulerInvocations: 0,
    aws: {},
    snsPublishes: 0,
    apiRequests: 0,
    texts: { sms: 0, mms: 0, smsSegments: 0 },
  };
}

/** `a + sign × b`. */
function combine(a: Usage, b: Usage, sign: 1 | -1): Usage {
  const numbers = <T extends object>(
    x: T | undefined,
    y: T | undefined,
    keep: (r: T) => boolean,
  ): T | undefined => {
    const result = {} as Record<string, number>;
    const left = (x ?? {}) as Record<string, number>;
    const right = (y ?? {}) as Record<string, number>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const lv = left[key];
      const rv = right[key];
      result[key] = typeof lv === 'number' || typeof rv === 'number' ? (lv ?? 0) + sign * (rv ?? 0) : 0;
    }
    return keep(result as T) ? (result as T) : undefined;
  };
  const maps = <T extends object>(x: Record<string, T>, y: Record<string, T>, keep: (r: T) => boolean) => {
    const result: Record<string, T> = {};
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const value = numbers(x[key], y[key], keep);
      if (value) result[key] = value;
    }
    return result;
  };
  const counts = (x: Record<string, number>, y: Record<string, number>) => {
    const result: Record<string, number> = {};
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const value = (x[key] ?? 0) + sign * (y[key] ?? 0);
      if (value !== 0) result[key] = value;
    }
    return result;
  };
  const lambda = maps(a.lambda, b.lambda, (r) => r.invocations !== 0);
  // Memory is a property of the function, not a counter.
  for (const [id, value] of Object.entries(lambda))
    value.memoryMb = (a.lambda[id] ?? b.lambda[id])?.memoryMb ?? 0;
  return {
    dynamo: maps(a.dynamo, b.dynamo, (r) => r.requests !== 0),
    lambda,
    stepFunctions: {
      executions: a.stepFunctions.executions + sign * b.stepFunctions.executions,
      transitions: a.stepFunctions.transitions + sign * b.stepFunctions.transitions,
    },
    sqs: counts(a.sqs, b.sqs),
    sqsPoller: counts(a.sqsPoller, b.sqsPoller),
    busEvents: a.busEvents + sign * b.busEvents,
    schedulerInvocations: a.schedulerInvocations + sign * b.schedulerInvocations,
    aws: counts(a.aws, b.aws),
    snsPublishes: a.snsPublishes + sign * b.snsPublishes,
    apiRequests: a.apiRequests + sign * b.apiRequests,
    texts: {
      sms: a.texts.sms + sign * b.texts.sms,
      mms: a.texts.mms + sign * b.texts.mms,
      smsSegments: a.texts.smsSegments + sign * b.texts.smsSegments,
    },
  };
}

const DYNAMO_READS = /^(GetItem|BatchGetItem|Query|Scan) /;
const DYNAMO_WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem) /;

/** DynamoDB totals: requests split into reads and writes, and capacity units. */
export function dynamoTotals(usage: Usage) {
  const totals = {
    readRequests: 0,
    writeRequests: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    conditionFailures: 0,
  };
  for (const [key, value] of Object.entries(usage.dynamo)) {
    if (DYNAMO_READS.test(key)) totals.readRequests += value.requests;
    if (DYNAMO_WRITES.test(key)) totals.writeRequests += value.requests;
    totals.readUnits += value.readUnits;
    totals.writeUnits += value.writeUnits;
    totals.indexWriteUnits += value.indexWriteUnits ?? 0;
    totals.conditionFailures += value.conditionalCheckFailures;
  }
  return totals;
}

/** End User Messaging API calls by operation. */
export function smsCalls(usage: Usage): Record<string, number> {
  return Object.fromEntries(
    Object.entries(usage.aws)
      .filter(([key]) => key.startsWith('PinpointSMSVoiceV2.'))
      .map(([key, value]) => [key.slice('PinpointSMSVoiceV2.'.length), value]),
  );
}

/** SMS segments of a body: GSM-7 160/153 characters, UCS-2 70/67 (approximate: no extension table). */
export function segments(body: string): number {
  const gsm = /^[\n\r\x20-\x7e£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà€]*$/.test(body);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  const length = [...body].length;
  return length <= single ? 1 : Math.ceil(length / multi);
}
