import { createHash } from 'node:crypto';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lambdas/domain/clock';
import type { QueueDefinition } from '../../lib/catalog';
import { startAwsEndpoint, type LocalAwsEndpoint } from '../../local/aws/endpoint';
import { SqsEmulator } from '../../local/aws/sqs';
import { settleWork } from '../../local/settle';
import { VirtualClock } from '../../local/virtual-clock';
import { waitFor } from '../support/local-runtime';

const ACCOUNT = '000000000000';
const NOW = new Date('2026-05-01T12:00:00Z');
const REDELIVERY_MS = 50;

type Consumer = (event: SQSEvent) => Promise<unknown>;

const definition = (overrides: Partial<QueueDefinition>): QueueDefinition => ({
  description: 'test queue',
  batchSize: 10,
  visibilityTimeoutSeconds: 960,
  maxReceiveCount: 5,
  maxConcurrency: 1,
  ...overrides,
});

/** One queue per test, so their messages and counters don't mix; `plain` has no consumer. */
const QUEUES: Record<string, QueueDefinition> = {
  batches: definition({ batchSize: 3 }),
  partial: definition({}),
  throwing: definition({}),
  poison: definition({ maxReceiveCount: 2 }),
  parallel: definition({ batchSize: 1, maxConcurrency: 2 }),
  slow: definition({ batchSize: 2, maxConcurrency: 2 }),
  delayed: definition({}),
  plain: definition({ visibilityTimeoutSeconds: 30 }),
  windowed: definition({ batchSize: 100, maximumBatchingWindowSeconds: 1, maxConcurrency: 2 }),
};

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local SQS', () => {
  const clock = fixedClock(NOW);
  const consumers = new Map<string, Consumer>();
  const errors: { queue: string; error: unknown }[] = [];
  let endpoint: LocalAwsEndpoint;
  let sqs: SqsEmulator;
  let client: SQSClient;

  beforeAll(async () => {
    sqs = new SqsEmulator({
      clock,
      region: 'us-east-1',
      account: ACCOUNT,
      endpointUrl: () => endpoint.url,
      redeliveryDelayMs: REDELIVERY_MS,
      onError: (queue, error) => errors.push({ queue, error }),
      queues: Object.entries(QUEUES).map(([name, queue]) => ({
        name,
        definition: queue,
        consumer:
          name === 'plain'
            ? undefined
            : (event: SQSEvent) => (consumers.get(name) ?? (async () => ({})))(event),
      })),
    });
    endpoint = await startAwsEndpoint([sqs.service()], []);
    sqs.start();
    client = new SQSClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    await sqs.stop();
    client.destroy();
    await endpoint.stop();
  });

  const url = (name: string) => sqs.queueUrl(name);
  const sendBatch = (name: string, bodies: readonly string[]) =>
    client.send(
      new SendMessageBatchCommand({
        QueueUrl: url(name),
        Entries: bodies.map((body, i) => ({ Id: `m${i}`, MessageBody: body })),
      }),
    );

  it('delivers a SendMessageBatch to the consumer in batches of at most batchSize, as Lambda events', async () => {
    const batches: SQSRecord[][] = [];
    consumers.set('batches', async (event) => {
      batches.push(event.Records);
      return { batchItemFailures: [] };
    });
    const bodies = Array.from({ length: 10 }, (_, i) => JSON.stringify({ campaignId: 'c-1', n: i }));
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url('batches'),
        Entries: bodies.map((body, i) => ({
          Id: `m${i}`,
          MessageBody: body,
          ...(i === 0
            ? { MessageAttributes: { campaignId: { DataType: 'String', StringValue: 'c-1' } } }
            : {}),
        })),
      }),
    );
    expect(result.Failed ?? []).toEqual([]);
    expect(result.Successful).toHaveLength(10);
    for (const entry of result.Successful ?? []) {
      expect(entry.MD5OfMessageBody).toBe(md5(bodies[Number(entry.Id?.slice(1))] ?? ''));
    }

    await sqs.settle();
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    expect(batches.flat().map((record) => record.body)).toEqual(bodies);
    expect(sqs.invocations.get('batches')).toBe(4);
    const first = batches[0]?.[0];
    expect(first).toEqual({
      messageId: result.Successful?.[0]?.MessageId,
      receiptHandle: expect.any(String),
      body: bodies[0],
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(NOW.getTime()),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: String(NOW.getTime()),
      },
      messageAttributes: {
        campaignId: { stringValue: 'c-1', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: md5(bodies[0] ?? ''),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:batches`,
      awsRegion: 'us-east-1',
    });
    expect(batches[0]?.[1]?.messageAttributes).toEqual({});
    expect(sqs.requests.get('SendMessageBatch')).toBeGreaterThanOrEqual(1);
    expect(sqs.pollerRequests.get('DeleteMessageBatch')).toBeGreaterThanOrEqual(4);
  });

  it('refuses invalid batches with the SDK exception classes and codes', async () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    const send = (Entries: { Id: string; MessageBody: string }[], QueueUrl = url('plain')) =>
      client.send(new SendMessageBatchCommand({ QueueUrl, Entries }));

    await expect(send(entries(11))).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(send([...entries(2), { Id: 'e0', MessageBody: 'y' }])).rejects.toBeInstanceOf(
      BatchEntryIdsNotDistinct,
    );
    await expect(send([])).rejects.toBeInstanceOf(EmptyBatchRequest);
    await expect(send([{ Id: 'not valid!', MessageBody: 'x' }])).rejects.toBeInstanceOf(InvalidBatchEntryId);
    const big = 'x'.repeat(150_000);
    await expect(
      send([
        { Id: 'a', MessageBody: big },
        { Id: 'b', MessageBody: big },
      ]),
    ).rejects.toBeInstanceOf(BatchRequestTooLong);

    const missing = send(entries(1), `${endpoint.url}/${ACCOUNT}/no-such-queue`);
    await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(missing).rejects.toMatchObject({
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Type: 'Sender',
      $fault: 'client',
    });
    const tooLate = client.send(
      new SendMessageCommand({ QueueUrl: url('plain'), MessageBody: 'x', DelaySeconds: 901 }),
    );
    await expect(tooLate).rejects.toBeInstanceOf(SQSServiceException);
    await expect(tooLate).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    // A bad entry fails alone: the others are sent.
    const partial = await send([
      { Id: 'good', MessageBody: 'fine' },
      { Id: 'bad', MessageBody: 'nul \u0000 character' },
    ]);
    expect(partial.Successful?.map((entry) => entry.Id)).toEqual(['good']);
    expect(partial.Failed).toEqual([
      { Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
    ]);
    expect(sqs.messages('plain').map((m) => m.body)).toEqual(['fine']);
  });

  it('delivers what a topic publishes (raw) and fills batches within the batching window', async () => {
    const batches: string[][] = [];
    consumers.set('windowed', async (event) => {
      batches.push(event.Records.map((record) => record.body));
    });
    const requestsBefore = sqs.requests.get('SendMessage') ?? 0;
    // Published a few milliseconds apart: the mapping waits (locally at most 100 ms) and sends one batch.
    for (let i = 0; i < 30; i++) {
      sqs.deliverFromTopic('windowed', JSON.stringify({ eventType: 'TEXT_DELIVERED', n: i }));
      if (i % 10 === 9) await sleep(5);
    }
    await sqs.settle();
    expect(batches.flat()).toHaveLength(30);
    expect(batches.length).toBeLessThanOrEqual(2);
    expect(JSON.parse(batches[0]?.[0] ?? '{}')).toEqual({ eventType: 'TEXT_DELIVERED', n: 0 });
    expect((sqs.requests.get('SendMessage') ?? 0) - requestsBefore).toBe(30);
  });

  it('redelivers only the records listed in batchItemFailures, with ApproximateReceiveCount incremented', async () => {
    const deliveries: SQSRecord[][] = [];
    consumers.set('partial', async (event) => {
      deliveries.push(event.Records);
      return {
        batchItemFailures: event.Records.filter(
          (record) => record.body.startsWith('fail') && record.attributes.ApproximateReceiveCount === '1',
        ).map((record) => ({ itemIdentifier: record.messageId })),
      };
    });
    await sendBatch('partial', ['ok-1', 'fail-1', 'ok-2', 'fail-2']);
    await sqs.settle();

    expect(deliveries).toHaveLength(2);
    const [first = [], second = []] = deliveries;
    expect(first.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([
      ['ok-1', '1'],
      ['fail-1', '1'],
      ['ok-2', '1'],
      ['fail-2', '1'],
    ]);
    expect(second.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([
      ['fail-1', '2'],
      ['fail-2', '2'],
    ]);
    // Same message, new receipt handle, first-receive time kept.
    expect(second[0]?.messageId).toBe(first[1]?.messageId);
    expect(second[0]?.receiptHandle).not.toBe(first[1]?.receiptHandle);
    expect(second[0]?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first[1]?.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(sqs.depth('partial')).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('treats a batchItemFailures entry that names no record of the batch as a failure of the whole batch', async () => {
    const deliveries: string[][] = [];
    consumers.set('partial', async (event) => {
      deliveries.push(event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      return deliveries.length === 1
        ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] }
        : undefined;
    });
    await sendBatch('partial', ['a', 'b']);
    await sqs.settle();
    expect(deliveries).toEqual([
      ['a#1', 'b#1'],
      ['a#2', 'b#2'],
    ]);
  });

  it('redelivers the whole batch when the consumer throws', async () => {
    const deliveries: string[][] = [];
    consumers.set('throwing', async (event) => {
      deliveries.push(event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      if (deliveries.length === 1) throw new Error('table unavailable');
      return {};
    });
    const started = Date.now();
    await sendBatch('throwing', ['a', 'b', 'c']);
    await sqs.settle();
    expect(deliveries).toEqual([
      ['a#1', 'b#1', 'c#1'],
      ['a#2', 'b#2', 'c#2'],
    ]);
    // The retry waited for the (accelerated) redelivery delay.
    expect(Date.now() - started).toBeGreaterThanOrEqual(REDELIVERY_MS);
    expect(errors.filter((e) => e.queue === 'throwing').map((e) => String(e.error))).toEqual([
      'Error: table unavailable',
    ]);
  });

  it('moves a message to the DLQ after maxReceiveCount receives', async () => {
    const seen: SQSRecord[] = [];
    consumers.set('poison', async (event) => {
      seen.push(...event.Records);
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });
    await client.send(
      new SendMessageCommand({
        QueueUrl: url('poison'),
        MessageBody: 'poison',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      }),
    );
    await sendBatch('poison', ['fine']);
    await sqs.settle();

    const poison = seen.filter((r) => r.body === 'poison');
    expect(poison.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(seen.filter((r) => r.body === 'fine')).toHaveLength(1);
    expect(sqs.movedToDlq.get('poison')).toBe(1);

    expect(sqs.depth('poison')).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
    expect(sqs.messages('poison-dlq')).toEqual([
      {
        messageId: poison[0]?.messageId,
        body: 'poison',
        attributes: { kind: { DataType: 'String', StringValue: 'test' } },
        receiveCount: 2,
        deadLetterQueueSourceArn: sqs.queueArn('poison'),
      },
    ]);
    expect(sqs.depth('poison-dlq')).toEqual({ visible: 1, notVisible: 0, delayed: 0 });
  });

  it('never runs more than maxConcurrency invocations at once', async () => {
    let running = 0;
    let peak = 0;
    consumers.set('parallel', async (event) => {
      running += 1;
      peak = Math.max(peak, running);
      expect(event.Records).toHaveLength(1);
      await sleep(30);
      running -= 1;
      return {};
    });
    await sendBatch(
      'parallel',
      Array.from({ length: 8 }, (_, i) => `p${i}`),
    );
    await sqs.settle();
    expect(peak).toBe(2);
    expect(sqs.invocations.get('parallel')).toBe(8);
  });

  it('settle() waits for slow consumers and their retries, then resolves at once while idle', async () => {
    const done: string[] = [];
    consumers.set('slow', async (event) => {
      await sleep(100);
      const failures = event.Records.filter(
        (r) => r.body === 'retry' && r.attributes.ApproximateReceiveCount === '1',
      );
      done.push(...event.Records.filter((r) => !failures.includes(r)).map((r) => r.body));
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    const started = Date.now();
    await sendBatch('slow', ['one', 'retry', 'two', 'three']);
    await sqs.settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 + REDELIVERY_MS);
    expect([...done].sort()).toEqual(['one', 'retry', 'three', 'two']);
    expect(sqs.depth('slow')).toEqual({ visible: 0, notVisible: 0, delayed: 0 });

    const idleStarted = Date.now();
    await sqs.settle();
    expect(Date.now() - idleStarted).toBeLessThan(50);
  });

  it('delays delivery by DelaySeconds', async () => {
    const deliveredAt: number[] = [];
    consumers.set('delayed', async (event) => {
      deliveredAt.push(...event.Records.map(() => Date.now()));
      return {};
    });
    const sentAt = Date.now();
    await client.send(
      new SendMessageCommand({ QueueUrl: url('delayed'), MessageBody: 'later', DelaySeconds: 1 }),
    );
    // Held on the wall clock: its delivery time below proves nothing went before the delay ended.
    expect(deliveredAt).toEqual([]);
    expect(sqs.depth('delayed')).toEqual({ visible: 0, notVisible: 0, delayed: 1 });
    await sqs.settle();
    expect(deliveredAt).toHaveLength(1);
    expect((deliveredAt[0] ?? 0) - sentAt).toBeGreaterThanOrEqual(1000);
    expect((deliveredAt[0] ?? 0) - sentAt).toBeLessThan(2000);
  });

  it('answers a SendMessage with the digests SQS computes, and refuses the calls the product never makes', async () => {
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: url('plain'),
        MessageBody: 'derp',
        MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
      }),
    );
    // The digest SQS returns for this attribute (pinned by moto's and LocalStack's test suites).
    expect(sent.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(sent.MD5OfMessageBody).toBe(md5('derp'));
    expect(sqs.messages('plain').at(-1)).toMatchObject({ body: 'derp', receiveCount: 0 });
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl: url('plain') }))).rejects.toBeInstanceOf(
      SQSServiceException,
    );
  });
});

describe('local SQS on the virtual clock', () => {
  const clock = new VirtualClock(NOW, 1);
  let endpoint: LocalAwsEndpoint;
  let sqs: SqsEmulator;
  let client: SQSClient;
  const deliveredAt: Date[] = [];

  beforeAll(async () => {
    sqs = new SqsEmulator({
      clock,
      timeline: clock,
      region: 'us-east-1',
      account: ACCOUNT,
      endpointUrl: () => endpoint.url,
      queues: [
        {
          name: 'held',
          definition: definition({}),
          consumer: async (event: SQSEvent) => {
            deliveredAt.push(...event.Records.map(() => clock.now()));
            return {};
          },
        },
      ],
    });
    endpoint = await startAwsEndpoint([sqs.service()], []);
    sqs.start();
    client = new SQSClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    await sqs.stop();
    client.destroy();
    await endpoint.stop();
  });

  it('delivers a delayed message once the clock is moved past its delay, not 15 real minutes later', async () => {
    const sentAt = clock.now().getTime();
    await client.send(
      new SendMessageCommand({ QueueUrl: sqs.queueUrl('held'), MessageBody: 'at 08:00', DelaySeconds: 900 }),
    );
    await settleWork(sqs);
    expect(deliveredAt).toEqual([]);
    expect(sqs.depth('held')).toEqual({ visible: 0, notVisible: 0, delayed: 1 });

    clock.advance(600_000); // 10 of the 15 minutes: still held
    await settleWork(sqs);
    expect(deliveredAt).toEqual([]);

    clock.advance(300_000);
    await waitFor(() => deliveredAt.length === 1, 2_000, 'the delayed message');
    expect((deliveredAt[0]?.getTime() ?? 0) - sentAt).toBeGreaterThanOrEqual(900_000);
  });
});
