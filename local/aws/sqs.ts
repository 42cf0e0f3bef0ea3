/**
 * SQS for the local runtime: the catalog's standard queues, each with a dead-letter queue `<name>-dlq`,
 * served over the AWS JSON 1.0 protocol the v3 SDK speaks (`X-Amz-Target: AmazonSQS.<Operation>`), and
 * the Lambda event source mapping of every queue that has a consumer function. What is emulated as
 * AWS does it, and what is simplified for local use and why (faster redelivery, shorter batching
 * windows, delays on the virtual clock), is specified in
 * docs/local-runtime.md#sqs-what-is-emulated-and-what-differs.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { Clock } from '../../lambdas/domain/clock';
import type { QueueDefinition } from '../../lib/catalog';
import type { PendingWork } from '../settle';
import { AwsError, SQS_DENIAL, type JsonOperation, type JsonService } from './protocol';

/** Bytes per message and per SendMessageBatch request (body plus attribute names, types and values). */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_BATCH_ENTRIES = 10;
const MAX_DELAY_SECONDS = 900;
const MAX_MESSAGE_ATTRIBUTES = 10;
/** SQS's default, used for the dead-letter queues (the catalog configures only the source queues). */
const DLQ_VISIBILITY_TIMEOUT_SECONDS = 30;
/** Local acceleration: the longest an event source mapping waits to fill a batch (real ms). */
const MAX_LOCAL_BATCHING_WINDOW_MS = 100;
/** The `SenderId` of every local message (AWS: the sender's IAM user or role id). */
const LOCAL_SENDER_ID = 'AROALOCALOPTLINE0000:local';
/** Characters SQS accepts in a body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
/**
 * Query-compatible codes and statuses of the errors the SDK models (its `awsQueryError` traits);
 * any other error name is its own code with status 400.
 */
const QUERY_ERRORS: Readonly<Record<string, readonly [code: string, status: number]>> = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  InvalidAddress: ['InvalidAddress', 404],
};

/** The queue name in a queue URL (`…/<account>/<name>`), or the text itself when it is not one. */
function queueNameOf(url: unknown): string {
  const text = String(url ?? '');
  try {
    return new URL(text).pathname.split('/').filter(Boolean).at(-1) ?? text;
  } catch {
    return text;
  }
}

function sqsError(name: string, message: string): AwsError {
  const [code, status] = QUERY_ERRORS[name] ?? [name, 400];
  // What the SDK builds from `x-amzn-query-error` (see the file header), so its exception is the same.
  return new AwsError(`com.amazonaws.sqs#${name}`, message, status, {
    Code: code,
    Type: 'Sender',
    Error: { Code: code, Type: 'Sender', Message: message },
  });
}

/** A message attribute as it travels in the JSON protocol (binary values base64-encoded). */
interface WireAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

interface ParsedEntry {
  readonly body: string;
  readonly delaySeconds: number;
  readonly attributes: Readonly<Record<string, WireAttribute>>;
  readonly bytes: number;
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Readonly<Record<string, WireAttribute>>;
  readonly md5OfMessageAttributes: string | undefined;
  /** Epoch ms on the virtual clock. */
  readonly sentTimestamp: number;
  /** Set on messages the redrive policy moved to a dead-letter queue. */
  readonly deadLetterQueueSourceArn?: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Real time (`Date.now()`) from which the message may be received: delay or visibility timeout. */
  visibleAt: number;
  /** Virtual epoch ms its DelaySeconds ends, until first received (with a timeline only). */
  delayedUntil?: number;
  /** Held by a running consumer invocation: invisible until it returns. */
  held: boolean;
  /** The receipt handle of the latest receive; only that one deletes the message. */
  receipt?: string;
}

interface QueueState {
  readonly name: string;
  readonly arn: string;
  readonly visibilityTimeoutSeconds: number;
  /** Epoch seconds on the virtual clock. */
  readonly createdTimestamp: number;
  readonly redrive?: { readonly deadLetterQueue: QueueState; readonly maxReceiveCount: number };
  /** In send order (a Map iterates in insertion order). */
  readonly messages: Map<string, StoredMessage>;
  /** Pollers and long polls waiting for a message to become visible. */
  readonly waiters: Set<() => void>;
  wakeTimer?: NodeJS.Timeout;
  wakeAt: number;
}

interface Poller {
  readonly queue: QueueState;
  readonly consumer: (event: SQSEvent) => Promise<unknown>;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  /** Real ms to wait for a full batch once a message is visible. */
  readonly batchingWindowMs: number;
  running: boolean;
  workers: Promise<void>[];
  /** Consumer invocations running now. */
  inFlight: number;
}

export interface LocalQueue {
  readonly name: string;
  readonly definition: QueueDefinition;
  /** The function of the event source mapping; without one the queue has no poller. */
  readonly consumer?: (event: SQSEvent) => Promise<unknown>;
}

export interface SqsOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly account: string;
  /** Base URL of the local AWS endpoint, known only once it listens. */
  readonly endpointUrl: () => string;
  readonly queues: readonly LocalQueue[];
  /** The virtual clock's pace and moves, for DelaySeconds (without it, delays run in real time). */
  readonly timeline?: Timeline;
  /** Real ms before a message of a failed invocation is visible again (AWS: the visibility timeout). */
  readonly redeliveryDelayMs?: number;
  /** Called with every error a consumer invocation throws (the batch is retried either way). */
  readonly onError?: (queue: string, error: unknown) => void;
}

/** What the emulator needs of the virtual clock (local/virtual-clock.ts). */
export interface Timeline {
  /** Real ms until the virtual time `at` (0 when reached). */
  realMsUntil(at: Date): number;
  /** Calls `listener` whenever the clock is moved; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** A message as `messages` shows it. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, WireAttribute>>;
  readonly receiveCount: number;
  readonly deadLetterQueueSourceArn?: string;
}

export interface QueueDepth {
  /** Receivable now (ApproximateNumberOfMessages). */
  readonly visible: number;
  /** Received and neither deleted nor visible again (ApproximateNumberOfMessagesNotVisible). */
  readonly notVisible: number;
  /** Sent with a delay that has not passed (ApproximateNumberOfMessagesDelayed). */
  readonly delayed: number;
}

export class SqsEmulator {
  /** SQS API calls served, by operation (`SendMessageBatch` …), for the benchmark's cost model. */
  readonly requests = new Map<string, number>();
  /**
   * The SQS calls the event source mapping would make for the work done: a `ReceiveMessage` per 10
   * records of an invocation and a `DeleteMessageBatch` per 10 records it deleted. AWS pollers also
   * long-poll while idle; those calls depend on wall time, not on work, and are not counted.
   */
  readonly pollerRequests = new Map<string, number>();
  /** Consumer invocations, by queue name. */
  readonly invocations = new Map<string, number>();
  /** Messages the redrive policy moved to the dead-letter queue, by source queue name. */
  readonly movedToDlq = new Map<string, number>();

  private readonly queues = new Map<string, QueueState>();
  private readonly pollers: Poller[] = [];
  private readonly settleWaiters = new Set<() => void>();
  private readonly redeliveryDelayMs: number;
  private unsubscribeClock: (() => void) | undefined;

  constructor(private readonly options: SqsOptions) {
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 1000;
    const createdTimestamp = Math.floor(options.clock.now().getTime() / 1000);
    const newQueue = (
      name: string,
      visibilityTimeoutSeconds: number,
      redrive?: QueueState['redrive'],
    ): QueueState => {
      if (this.queues.has(name)) throw new Error(`queue ${name} is defined twice`);
      const queue: QueueState = {
        name,
        arn: this.queueArn(name),
        visibilityTimeoutSeconds,
        createdTimestamp,
        redrive,
        messages: new Map(),
        waiters: new Set(),
        wakeAt: Infinity,
      };
      this.queues.set(name, queue);
      return queue;
    };
    for (const { name, definition, consumer } of options.queues) {
      const deadLetterQueue = newQueue(`${name}-dlq`, DLQ_VISIBILITY_TIMEOUT_SECONDS);
      const queue = newQueue(name, definition.visibilityTimeoutSeconds, {
        deadLetterQueue,
        maxReceiveCount: definition.maxReceiveCount,
      });
      if (consumer) {
        this.pollers.push({
          queue,
          consumer,
          batchSize: definition.batchSize,
          maxConcurrency: Math.max(1, definition.maxConcurrency),
          batchingWindowMs: Math.min(
            MAX_LOCAL_BATCHING_WINDOW_MS,
            (definition.maximumBatchingWindowSeconds ?? 0) * 1000,
          ),
          running: false,
          workers: [],
          inFlight: 0,
        });
      }
    }
  }

  service(): JsonService {
    const operations: Record<string, JsonOperation> = {
      SendMessage: (input) => this.sendMessage(input),
      SendMessageBatch: (input) => this.sendMessageBatch(input),
    };
    const counted: Record<string, JsonOperation> = {};
    for (const [name, operation] of Object.entries(operations)) {
      counted[name] = (input) => {
        increment(this.requests, name);
        return operation(input);
      };
    }
    return {
      targetPrefix: 'AmazonSQS',
      operations: counted,
      // A batch is authorized as its single-message action, on the queue its URL (or name) names.
      access: (operation, input) => [
        {
          action: `sqs:${operation.replace(/Batch$/, '')}`,
          resource: this.queueArn(queueNameOf(input.QueueUrl)),
        },
      ],
      denial: SQS_DENIAL,
    };
  }

  queueUrl(name: string): string {
    return `${this.options.endpointUrl()}/${this.options.account}/${name}`;
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.account}:${name}`;
  }

  /** Message counts of a queue (or DLQ) by name, as GetQueueAttributes reports them. */
  depth(name: string): QueueDepth {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no local queue ${name}`);
    return this.depthOf(queue);
  }

  /**
   * What a queue (or DLQ) holds, by name, oldest first: a dead-letter queue's messages with their
   * receive counts and source, for tests and the local operator. The emulator serves only what the
   * product calls (SendMessage, SendMessageBatch); receiving and deleting are the event source
   * mapping's, inside it.
   */
  messages(name: string): QueuedMessage[] {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no local queue ${name}`);
    return [...queue.messages.values()].map((message) => ({
      messageId: message.messageId,
      body: message.body,
      attributes: message.attributes,
      receiveCount: message.receiveCount,
      ...(message.deadLetterQueueSourceArn
        ? { deadLetterQueueSourceArn: message.deadLetterQueueSourceArn }
        : {}),
    }));
  }

  /**
   * A message from an SNS topic the queue subscribes to with raw message delivery: the body is the
   * published text. Counted as the SendMessage SQS bills for it.
   */
  deliverFromTopic(name: string, body: string): void {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no local queue ${name}`);
    increment(this.requests, 'SendMessage');
    this.enqueue(queue, { body, attributes: {}, delaySeconds: 0, bytes: Buffer.byteLength(body) });
  }

  /** Starts the event source mappings: `maxConcurrency` pollers per queue with a consumer. */
  start(): void {
    if (!this.unsubscribeClock && this.options.timeline) {
      this.unsubscribeClock = this.options.timeline.onChange(() => this.clockMoved());
      this.clockMoved();
    }
    for (const poller of this.pollers) {
      if (poller.running) continue;
      poller.running = true;
      poller.workers = Array.from({ length: poller.maxConcurrency }, () => this.poll(poller));
      // Messages that became visible while stopped are picked up at once; later ones by the timer.
      this.scheduleWake(poller.queue);
    }
  }

  /** Stops polling and waits for the invocations in flight; their outcomes are still applied. */
  async stop(): Promise<void> {
    this.unsubscribeClock?.();
    this.unsubscribeClock = undefined;
    for (const poller of this.pollers) {
      poller.running = false;
      this.wake(poller.queue);
    }
    await Promise.all(this.pollers.flatMap((poller) => poller.workers));
    for (const poller of this.pollers) poller.workers = [];
    for (const queue of this.queues.values()) {
      if (queue.wakeTimer) clearTimeout(queue.wakeTimer);
      queue.wakeTimer = undefined;
      queue.wakeAt = Infinity;
    }
    this.signalChange();
  }

  /**
   * Resolves when every queue with a running poller is empty and no invocation is in flight: retries
   * and moves to the DLQ included. Queues without a running poller are not waited for (nothing would
   * drain them).
   */
  async settle(): Promise<void> {
    while (!this.idle()) await new Promise<void>((resolve) => this.settleWaiters.add(resolve));
  }

  /**
   * The work of the queues with a running poller: messages an invocation holds or could take now
   * (a failed batch's included, visible again after `redeliveryDelayMs`), and messages whose
   * DelaySeconds ends at a later virtual time (sleeping until the earliest of them).
   */
  pending(): PendingWork[] {
    const now = this.options.clock.now().getTime();
    const work: PendingWork[] = [];
    for (const poller of this.pollers) {
      if (!poller.running) continue;
      let due = 0;
      let sleeping = 0;
      let until = Infinity;
      for (const message of poller.queue.messages.values()) {
        const delayed =
          !message.held &&
          message.receiveCount === 0 &&
          message.delayedUntil !== undefined &&
          message.delayedUntil > now;
        if (!delayed) {
          due += 1;
          continue;
        }
        sleeping += 1;
        until = Math.min(until, message.delayedUntil ?? Infinity);
      }
      const name = poller.queue.name;
      if (due > 0 || poller.inFlight > 0) work.push({ kind: 'queue', name, state: 'running', count: due });
      if (sleeping > 0)
        work.push({ kind: 'queue', name, state: 'sleeping', count: sleeping, until: new Date(until) });
    }
    return work;
  }

  // ---- API operations ------------------------------------------------------------------------------

  private sendMessage(input: Record<string, unknown>) {
    const queue = this.resolveQueue(input);
    const entry = this.parseEntry(input);
    if (entry.bytes > MAX_MESSAGE_BYTES) {
      throw sqsError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
      );
    }
    const message = this.enqueue(queue, entry);
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: message.md5OfBody,
      ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    };
  }

  private sendMessageBatch(input: Record<string, unknown>) {
    const queue = this.resolveQueue(input);
    const entries = Array.isArray(input.Entries) ? (input.Entries as unknown[]) : [];
    if (entries.length === 0) {
      throw sqsError(
        'EmptyBatchRequest',
        'There should be at least one SendMessageBatchRequestEntry in the request.',
      );
    }
    if (entries.length > MAX_BATCH_ENTRIES) {
      throw sqsError(
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
      );
    }
    const records = entries.map((entry) => (isRecord(entry) ? entry : {}));
    const ids = records.map((entry) => entry.Id);
    for (const id of ids) {
      if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) {
        throw sqsError(
          'InvalidBatchEntryId',
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        );
      }
    }
    const distinct = new Set(ids);
    if (distinct.size !== ids.length) {
      const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
      throw sqsError('BatchEntryIdsNotDistinct', `Id ${String(duplicate)} repeated.`);
    }
    // Parse every entry first: the 256 KiB limit applies to the whole request, before anything is sent.
    const parsed = records.map((entry): { id: string; entry?: ParsedEntry; error?: AwsError } => {
      try {
        return { id: String(entry.Id), entry: this.parseEntry(entry) };
      } catch (error) {
        if (error instanceof AwsError) return { id: String(entry.Id), error };
        throw error;
      }
    });
    const total = parsed.reduce((sum, p) => sum + (p.entry?.bytes ?? 0), 0);
    if (total > MAX_MESSAGE_BYTES) {
      throw sqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const { id, entry, error } of parsed) {
      if (!entry) {
        Failed.push({
          Id: id,
          SenderFault: true,
          Code: String(error?.extra.Code ?? 'InvalidParameterValue'),
          Message: error?.message ?? 'invalid entry',
        });
        continue;
      }
      const message = this.enqueue(queue, entry);
      Successful.push({
        Id: id,
        MessageId: message.messageId,
        MD5OfMessageBody: message.md5OfBody,
        ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
      });
    }
    return { Successful, Failed };
  }

  // ---- Queue mechanics -----------------------------------------------------------------------------

  private resolveQueue(input: Record<string, unknown>): QueueState {
    const url = input.QueueUrl;
    if (typeof url !== 'string' || url === '') {
      throw sqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    }
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    }
    // Only the path matters (`/<account>/<name>`): AWS resolves a queue URL of any SQS host name too.
    const [account, name, ...rest] = path.split('/').filter(Boolean);
    const queue = name ? this.queues.get(name) : undefined;
    if (!queue || account !== this.options.account || rest.length > 0) {
      throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    }
    return queue;
  }

  private parseEntry(input: Record<string, unknown>): ParsedEntry {
    const body = input.MessageBody;
    if (typeof body !== 'string' || body === '') {
      throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    if (INVALID_CHARACTER.test(body)) {
      throw sqsError(
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const delaySeconds = integerParameter(input, 'DelaySeconds', 0, MAX_DELAY_SECONDS, 0);
    const attributes = parseAttributes(input.MessageAttributes);
    let bytes = Buffer.byteLength(body, 'utf8');
    for (const [name, attribute] of Object.entries(attributes)) {
      bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType, 'utf8');
      bytes +=
        attribute.BinaryValue !== undefined
          ? Buffer.from(attribute.BinaryValue, 'base64').length
          : Buffer.byteLength(attribute.StringValue ?? '', 'utf8');
    }
    return { body, delaySeconds, attributes, bytes };
  }

  private enqueue(queue: QueueState, entry: ParsedEntry): StoredMessage {
    const delayedUntil =
      this.options.timeline && entry.delaySeconds > 0
        ? this.options.clock.now().getTime() + entry.delaySeconds * 1000
        : undefined;
    const visibleAt =
      delayedUntil !== undefined ? this.realTimeOf(delayedUntil) : Date.now() + entry.delaySeconds * 1000;
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: entry.body,
      md5OfBody: md5(entry.body),
      attributes: entry.attributes,
      md5OfMessageAttributes: md5OfAttributes(entry.attributes),
      sentTimestamp: this.options.clock.now().getTime(),
      receiveCount: 0,
      visibleAt,
      ...(delayedUntil !== undefined ? { delayedUntil } : {}),
      held: false,
    };
    queue.messages.set(message.messageId, message);
    if (entry.delaySeconds > 0) this.scheduleWake(queue, visibleAt);
    else this.wake(queue);
    return message;
  }

  /**
   * Receives up to `max` visible messages, oldest first: counts the receive, issues a new receipt handle
   * and holds them (the caller sets their visibility). A message already received `maxReceiveCount`
   * times is moved to the dead-letter queue instead, as the redrive policy does.
   */
  private take(queue: QueueState, max: number): StoredMessage[] {
    const now = Date.now();
    const taken: StoredMessage[] = [];
    for (const message of queue.messages.values()) {
      if (taken.length >= max) break;
      if (message.held || message.visibleAt > now) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(queue, message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= this.options.clock.now().getTime();
      message.receipt = encodeReceipt(queue.name, message.messageId);
      message.held = true;
      taken.push(message);
    }
    return taken;
  }

  private moveToDeadLetterQueue(queue: QueueState, message: StoredMessage): void {
    const target = queue.redrive?.deadLetterQueue;
    if (!target) return;
    queue.messages.delete(message.messageId);
    const moved: StoredMessage = {
      messageId: message.messageId,
      body: message.body,
      md5OfBody: message.md5OfBody,
      attributes: message.attributes,
      md5OfMessageAttributes: message.md5OfMessageAttributes,
      sentTimestamp: message.sentTimestamp,
      deadLetterQueueSourceArn: queue.arn,
      receiveCount: message.receiveCount,
      firstReceiveTimestamp: message.firstReceiveTimestamp,
      visibleAt: Date.now(),
      held: false,
    };
    target.messages.set(moved.messageId, moved);
    increment(this.movedToDlq, queue.name);
    this.wake(target);
    this.signalChange();
  }

  private depthOf(queue: QueueState): QueueDepth {
    const now = Date.now();
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const message of queue.messages.values()) {
      if (message.held) notVisible += 1;
      else if (message.visibleAt <= now) visible += 1;
      else if (message.receiveCount === 0) delayed += 1;
      else notVisible += 1;
    }
    return { visible, notVisible, delayed };
  }

  private systemAttributes(message: StoredMessage): Record<string, string> {
    return {
      SenderId: LOCAL_SENDER_ID,
      SentTimestamp: String(message.sentTimestamp),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
      ...(message.deadLetterQueueSourceArn
        ? { DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn }
        : {}),
    };
  }

  // ---- Waking: no busy waiting ---------------------------------------------------------------------

  /** Lets every waiting poller and long poll of the queue look again. */
  private wake(queue: QueueState): void {
    const waiters = [...queue.waiters];
    queue.waiters.clear();
    for (const resolve of waiters) resolve();
  }

  /** Resolves on the queue's next wake, or after `timeoutMs` when given. */
  private waitForMessage(queue: QueueState, timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        queue.waiters.delete(done);
        resolve();
      };
      queue.waiters.add(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(0, timeoutMs));
    });
  }

  /** The real time (`Date.now()` scale) at which the virtual clock reaches `virtualMs`. */
  private realTimeOf(virtualMs: number): number {
    return Date.now() + (this.options.timeline?.realMsUntil(new Date(virtualMs)) ?? 0);
  }

  /** The virtual clock moved: delayed messages not yet received become visible by its new time. */
  private clockMoved(): void {
    for (const queue of this.queues.values()) {
      let changed = false;
      for (const message of queue.messages.values()) {
        if (message.delayedUntil === undefined || message.receiveCount > 0 || message.held) continue;
        message.visibleAt = this.realTimeOf(message.delayedUntil);
        changed = true;
      }
      if (!changed) continue;
      if (queue.wakeTimer) clearTimeout(queue.wakeTimer);
      queue.wakeTimer = undefined;
      queue.wakeAt = Infinity;
      this.scheduleWake(queue);
    }
  }

  /**
   * Keeps one timer per queue, for the earliest moment a delayed or invisible message becomes visible
   * (`at`, or the earliest found in the queue when omitted).
   */
  private scheduleWake(queue: QueueState, at?: number): void {
    let next = at;
    if (next === undefined) {
      next = Infinity;
      const now = Date.now();
      for (const message of queue.messages.values()) {
        if (!message.held && message.visibleAt < next) next = message.visibleAt;
      }
      if (next <= now) {
        this.wake(queue);
        next = Infinity;
        for (const message of queue.messages.values()) {
          if (!message.held && message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
        }
      }
    }
    if (next === Infinity || next >= queue.wakeAt) return;
    if (queue.wakeTimer) clearTimeout(queue.wakeTimer);
    queue.wakeAt = next;
    queue.wakeTimer = setTimeout(
      () => {
        queue.wakeTimer = undefined;
        queue.wakeAt = Infinity;
        // Wakes the waiters for what is visible now and re-arms for the next message still hidden.
        this.scheduleWake(queue);
      },
      Math.max(0, next - Date.now()),
    );
  }

  // ---- The event source mapping ------------------------------------------------------------------

  private async poll(poller: Poller): Promise<void> {
    while (poller.running) {
      if (poller.batchingWindowMs > 0) {
        await this.fillBatch(poller);
        // Stopped while waiting: stop() has already woken the queue's waiters.
        if (!poller.running) break;
      }
      const batch = this.take(poller.queue, poller.batchSize);
      if (batch.length === 0) {
        // The take may have moved the last messages to the DLQ.
        this.signalChange();
        await this.waitForMessage(poller.queue);
        continue;
      }
      await this.invoke(poller, batch);
    }
  }

  /** The batching window: once a message is visible, waits for a full batch or the window's end. */
  private async fillBatch(poller: Poller): Promise<void> {
    const { queue } = poller;
    if (this.depthOf(queue).visible === 0) return;
    const deadline = Date.now() + poller.batchingWindowMs;
    while (poller.running && this.depthOf(queue).visible < poller.batchSize && Date.now() < deadline) {
      await this.waitForMessage(queue, deadline - Date.now());
    }
  }

  private async invoke(poller: Poller, batch: StoredMessage[]): Promise<void> {
    const { queue } = poller;
    poller.inFlight += 1;
    increment(this.invocations, queue.name);
    // ReceiveMessage returns at most 10 messages: a larger batch took that many calls to gather.
    increment(this.pollerRequests, 'ReceiveMessage', Math.ceil(batch.length / MAX_BATCH_ENTRIES));
    let failed: ReadonlySet<string> | 'all';
    try {
      const result = await poller.consumer({ Records: batch.map((message) => this.record(queue, message)) });
      failed = batchItemFailures(result, batch);
    } catch (error) {
      failed = 'all';
      this.options.onError?.(queue.name, error);
    }
    const now = Date.now();
    let deleted = 0;
    let retried = 0;
    for (const message of batch) {
      // Deleted through the API or purged while the invocation ran: nothing left to settle.
      if (queue.messages.get(message.messageId) !== message) continue;
      if (failed === 'all' || failed.has(message.messageId)) {
        // Local acceleration: visible again after redeliveryDelayMs, not the visibility timeout.
        message.held = false;
        message.visibleAt = now + this.redeliveryDelayMs;
        retried += 1;
      } else {
        queue.messages.delete(message.messageId);
        deleted += 1;
      }
    }
    if (deleted > 0)
      increment(this.pollerRequests, 'DeleteMessageBatch', Math.ceil(deleted / MAX_BATCH_ENTRIES));
    if (retried > 0) this.scheduleWake(queue, now + this.redeliveryDelayMs);
    poller.inFlight -= 1;
    this.signalChange();
  }

  private record(queue: QueueState, message: StoredMessage): SQSRecord {
    const messageAttributes: SQSMessageAttributes = {};
    for (const [name, attribute] of Object.entries(message.attributes)) {
      messageAttributes[name] = {
        ...(attribute.StringValue !== undefined ? { stringValue: attribute.StringValue } : {}),
        ...(attribute.BinaryValue !== undefined ? { binaryValue: attribute.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: attribute.DataType,
      };
    }
    return {
      messageId: message.messageId,
      receiptHandle: message.receipt ?? '',
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: LOCAL_SENDER_ID,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
      },
      messageAttributes,
      md5OfBody: message.md5OfBody,
      ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: this.options.region,
    };
  }

  private idle(): boolean {
    return this.pollers.every(
      (poller) => !poller.running || (poller.inFlight === 0 && poller.queue.messages.size === 0),
    );
  }

  private signalChange(): void {
    if (this.settleWaiters.size === 0 || !this.idle()) return;
    const waiters = [...this.settleWaiters];
    this.settleWaiters.clear();
    for (const resolve of waiters) resolve();
  }
}

/**
 * The ids to retry from a consumer's response, under ReportBatchItemFailures: no response or no
 * (or an empty) `batchItemFailures` is complete success; a malformed list, or an `itemIdentifier` that is
 * missing, empty or not a message of the batch, is complete failure.
 */
function batchItemFailures(result: unknown, batch: readonly StoredMessage[]): ReadonlySet<string> | 'all' {
  if (!isRecord(result)) return new Set();
  const failures = result.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(batch.map((message) => message.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

function parseAttributes(value: unknown): Record<string, WireAttribute> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw sqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  const entries = Object.entries(value);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw sqsError(
      'InvalidParameterValue',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  const attributes: Record<string, WireAttribute> = {};
  for (const [name, raw] of entries) {
    if (
      !ATTRIBUTE_NAME.test(name) ||
      /^(aws\.|amazon\.)/i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    ) {
      throw sqsError('InvalidParameterValue', `Message attribute name '${name}' is invalid.`);
    }
    const attribute = isRecord(raw) ? raw : {};
    const dataType = attribute.DataType;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..{1,250})?$/.test(dataType)) {
      throw sqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (dataType.startsWith('Binary')) {
      const binary = attribute.BinaryValue;
      if (typeof binary !== 'string' || binary === '') {
        throw sqsError(
          'InvalidParameterValue',
          `The message attribute '${name}' must contain a non-empty value.`,
        );
      }
      attributes[name] = { DataType: dataType, BinaryValue: binary };
      continue;
    }
    const text = attribute.StringValue;
    if (typeof text !== 'string' || text === '') {
      throw sqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain a non-empty value.`,
      );
    }
    if (dataType.startsWith('Number') && !Number.isFinite(Number(text))) {
      throw sqsError(
        'InvalidParameterValue',
        `Can't cast the value of message attribute '${name}' to a number.`,
      );
    }
    if (INVALID_CHARACTER.test(text)) {
      throw sqsError('InvalidMessageContents', `Invalid characters found in message attribute '${name}'.`);
    }
    attributes[name] = { DataType: dataType, StringValue: text };
  }
  return attributes;
}

/**
 * MD5 of message attributes as SQS computes it: for each attribute in name order, the length-prefixed
 * (4 bytes, big-endian) name and data type, a transport byte (1 string, 2 binary), the length-prefixed value.
 */
function md5OfAttributes(attributes: Readonly<Record<string, WireAttribute>>): string | undefined {
  const entries = Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return undefined;
  const hash = createHash('md5');
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const [name, attribute] of entries) {
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      prefixed(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      prefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** Opaque to the consumer; names the queue and message, as SQS's handles do not say. */
function encodeReceipt(queue: string, messageId: string): string {
  return Buffer.from(JSON.stringify([queue, messageId, randomUUID()]), 'utf8').toString('base64');
}

function integerParameter(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = input[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}.`,
    );
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
