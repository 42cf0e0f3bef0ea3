/**
 * The service limits the platform can reach fail locally as they fail in AWS: Step Functions' 256 KiB
 * state payload, EventBridge's 256 KB of entries per PutEvents, Lambda's 6 MB response and 1 MB
 * asynchronous event, API Gateway's 29-second integration timeout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGateway } from '../../local/api-gateway';
import { startAwsEndpoint, type LocalAwsEndpoint } from '../../local/aws/endpoint';
import { EventBridgeEmulator, MAX_ENTRIES_BYTES } from '../../local/aws/eventbridge';
import { MAX_PAYLOAD_BYTES, StepFunctionsEmulator } from '../../local/aws/stepfunctions';
import { LambdaHost, PAYLOAD_LIMITS } from '../../local/lambda-host';
import { VirtualClock } from '../../local/virtual-clock';
import { ROOT } from '../support/local-runtime';

const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:limits';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:answer';

describe('Step Functions: 256 KiB per execution input and task result', () => {
  let endpoint: LocalAwsEndpoint;
  let emulator: StepFunctionsEmulator;
  let client: SFNClient;

  beforeAll(async () => {
    emulator = new StepFunctionsEmulator({
      clock: new VirtualClock(new Date('2026-05-01T12:00:00Z'), 1),
      region: 'us-east-1',
      account: '000000000000',
      stateMachines: [
        {
          arn: MACHINE_ARN,
          name: 'limits',
          definition: {
            StartAt: 'AnswerTask',
            States: {
              AnswerTask: {
                Type: 'Task',
                Resource: FUNCTION_ARN,
                ResultSelector: { size: 'trimmed' },
                Catch: [{ ErrorEquals: ['States.ALL'], Next: 'CaughtSucceed' }],
                End: true,
              },
              CaughtSucceed: { Type: 'Succeed' },
            },
          },
        },
      ],
      invokeLambda: async (_arn, payload) => ({ text: 'x'.repeat((payload as { bytes: number }).bytes) }),
    });
    endpoint = await startAwsEndpoint([emulator.service()], []);
    client = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.stop();
  });

  const run = async (name: string, bytes: number) => {
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name, input: JSON.stringify({ bytes }) }),
    );
    await emulator.settle();
    return client.send(new DescribeExecutionCommand({ executionArn }));
  };

  it('runs a task whose result fits', async () => {
    expect((await run('fits', MAX_PAYLOAD_BYTES - 100)).status).toBe('SUCCEEDED');
  });

  it('fails the execution with States.DataLimitExceeded, past every Catch, when a task’s result is larger', async () => {
    const execution = await run('too-large', MAX_PAYLOAD_BYTES);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(execution.cause).toContain('returned a result with a size exceeding the maximum number of bytes');
  });

  it('refuses an execution whose input is larger', async () => {
    const input = JSON.stringify({ bytes: 1, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'input', input })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('EventBridge: 256 KB of entries per PutEvents', () => {
  let endpoint: LocalAwsEndpoint;
  let events: EventBridgeClient;
  const bus = new EventBridgeEmulator({
    clock: new VirtualClock(new Date('2026-05-01T12:00:00Z'), 1),
    busName: 'optline-local',
    region: 'us-east-1',
    account: '000000000000',
    rules: [],
  });

  beforeAll(async () => {
    endpoint = await startAwsEndpoint([bus.service()], []);
    events = new EventBridgeClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
  });
  afterAll(async () => {
    events.destroy();
    await endpoint.stop();
  });

  /** Entries of `total` bytes as EventBridge counts them (source, detail type, detail). */
  const entries = (total: number) => {
    const fixed = 'optline'.length + 'Big'.length;
    const half = Math.floor((total - 2 * fixed) / 2);
    return [half, total - 2 * fixed - half].map((size) => ({
      EventBusName: 'optline-local',
      Source: 'optline',
      DetailType: 'Big',
      Detail: JSON.stringify({ p: 'x'.repeat(size - 8) }),
    }));
  };

  it('accepts entries of 256 KB together', async () => {
    const result = await events.send(new PutEventsCommand({ Entries: entries(MAX_ENTRIES_BYTES) }));
    expect(result.FailedEntryCount).toBe(0);
    expect(bus.events).toHaveLength(2);
  });

  it('refuses the whole request when they are larger', async () => {
    await expect(
      events.send(new PutEventsCommand({ Entries: entries(MAX_ENTRIES_BYTES + 1) })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(bus.events).toHaveLength(2);
  });
});

describe('Lambda: 6 MB synchronous payloads, 1 MB asynchronous events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'optline-limits-'));
  const host = new LambdaHost(ROOT, 'optline-test');
  let calls = 0;

  beforeAll(() => {
    // A handler that answers as many bytes as the event asks for (as a JSON string: two quotes more).
    const file = join(dir, 'answer.cjs');
    writeFileSync(
      file,
      'exports.handler = async (event) => { globalThis.answerCalls = (globalThis.answerCalls ?? 0) + 1; return "x".repeat(event.bytes - 2); };',
    );
    host.environments.install();
    host.environments.set('linkRedirect', {});
    host.runBundle('linkRedirect', file);
  });
  afterAll(() => {
    host.environments.uninstall();
    rmSync(dir, { recursive: true, force: true });
  });
  const called = () => (globalThis as { answerCalls?: number }).answerCalls ?? 0;

  it('returns an answer of 6 MB', async () => {
    const answer = await host.invoke('linkRedirect', { bytes: PAYLOAD_LIMITS.response });
    expect((answer as string).length).toBe(PAYLOAD_LIMITS.response - 2);
  });

  it('fails a synchronous invocation whose answer is larger, after the function ran', async () => {
    calls = called();
    await expect(host.invoke('linkRedirect', { bytes: PAYLOAD_LIMITS.response + 1 })).rejects.toMatchObject({
      name: 'Function.ResponseSizeTooLarge',
      message: `Response payload size exceeded maximum allowed payload size (${PAYLOAD_LIMITS.response} bytes).`,
    });
    expect(called()).toBe(calls + 1);
    // Asynchronous: nobody waits for the answer, so its size does not matter.
    await expect(
      host.invoke('linkRedirect', { bytes: PAYLOAD_LIMITS.response + 1 }, 'Event'),
    ).resolves.toBeUndefined();
  });

  it('refuses an asynchronous event larger than 1 MB before running anything', async () => {
    calls = called();
    const event = { bytes: 10, pad: 'x'.repeat(PAYLOAD_LIMITS.event) };
    await expect(host.invoke('linkRedirect', event, 'Event')).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
    });
    expect(called()).toBe(calls);
    // The same event is a valid synchronous request.
    await expect(host.invoke('linkRedirect', event)).resolves.toBe('x'.repeat(8));
  });
});

describe('API Gateway: 29 seconds per integration', () => {
  const request = (gateway: ApiGateway) =>
    gateway.handle(
      { method: 'GET', headers: {}, socket: { remoteAddress: '127.0.0.1' } } as never,
      new URL('http://localhost/r/abc'),
      '',
    );

  it('answers 504 when the function has not answered in time, and lets it run on', async () => {
    let finished = false;
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let ranOn = () => undefined as void;
    const finishedRunning = new Promise<void>((resolve) => (ranOn = resolve));
    const slow = async () => {
      await released;
      finished = true;
      ranOn();
      return { statusCode: 302, body: '' } satisfies APIGatewayProxyResult;
    };
    // The same gateway with a shorter timeout: the local runtime's is 29 s (INTEGRATION_TIMEOUT_MS).
    const response = await request(new ApiGateway(slow, undefined, 50));
    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'INTEGRATION_TIMEOUT', message: 'Endpoint request timed out' },
    });
    expect(finished).toBe(false);
    release();
    await finishedRunning;
    expect(finished).toBe(true);
  });

  it('answers 502 when the invocation fails, as for an answer larger than 6 MB', async () => {
    const tooLarge = () =>
      Promise.reject(Object.assign(new Error('too large'), { name: 'Function.ResponseSizeTooLarge' }));
    const response = await request(new ApiGateway(tooLarge));
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'DEFAULT_5XX', message: 'Internal server error' },
    });
  });
});
