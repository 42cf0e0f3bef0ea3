import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsEndpoint, type LocalAwsEndpoint } from '../../local/aws/endpoint';
import { StepFunctionsEmulator } from '../../local/aws/stepfunctions';
import { settleWork } from '../../local/settle';
import { VirtualClock } from '../../local/virtual-clock';
import { ROOT } from '../support/local-runtime';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:check';
const MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:fixture';

describe('local Step Functions', () => {
  let endpoint: LocalAwsEndpoint;
  let emulator: StepFunctionsEmulator;
  let client: SFNClient;
  const clock = new VirtualClock(new Date('2026-05-01T12:00:00Z'), 1);
  const invocations: unknown[] = [];

  beforeAll(async () => {
    const text = readFileSync(resolve(ROOT, 'test/fixtures/wait-and-task.asl.json'), 'utf8').replace(
      '${CheckFunctionArn}',
      FUNCTION_ARN,
    );
    emulator = new StepFunctionsEmulator({
      clock,
      region: 'us-east-1',
      account: '000000000000',
      stateMachines: [{ arn: MACHINE_ARN, name: 'fixture', definition: JSON.parse(text) }],
      invokeLambda: async (arn, payload) => {
        invocations.push({ arn, payload });
        const verdict = (payload as { verdict: string }).verdict;
        if (verdict === 'revoked') {
          const error = new Error('opted out');
          error.name = 'ConsentRevokedError';
          throw error;
        }
        return { verdict };
      },
    });
    endpoint = await startAwsEndpoint([emulator.service()], []);
    client = new SFNClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
  });
  afterAll(async () => {
    emulator.stopAll();
    client.destroy();
    await endpoint.stop();
  });

  const start = (name: string, input: Record<string, unknown>) =>
    client.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name, input: JSON.stringify(input) }),
    );
  const describeExecution = (executionArn: string) =>
    client.send(new DescribeExecutionCommand({ executionArn }));

  it('waits on the virtual clock, runs the task and follows the choice', async () => {
    const dueAt = new Date(clock.now().getTime() + 30 * 60 * 1000).toISOString();
    const { executionArn } = await start('ok-run', { dueAt, verdict: 'ok' });
    // Settled for due work: the execution sleeps in its Wait state.
    const { waiting } = await settleWork(emulator);
    expect(waiting).toMatchObject([{ kind: 'flow', state: 'sleeping' }]);
    expect((await describeExecution(executionArn!)).status).toBe('RUNNING');
    expect(invocations).toHaveLength(0);

    clock.advance(30 * 60 * 1000);
    await settleWork(emulator);
    expect(invocations).toHaveLength(1);
    clock.advance(3600 * 1000);
    await emulator.settle();
    const done = await describeExecution(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ check: { verdict: 'ok' } });
  });

  it('catches a function error by its name', async () => {
    const { executionArn } = await start('revoked-run', {
      dueAt: clock.now().toISOString(),
      verdict: 'revoked',
    });
    await emulator.settle();
    const done = await describeExecution(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').failure.Error).toBe('ConsentRevokedError');
  });

  it('fails through a Fail state with its error', async () => {
    const { executionArn } = await start('rejected-run', { dueAt: clock.now().toISOString(), verdict: 'no' });
    await emulator.settle();
    const done = await describeExecution(executionArn!);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Rejected');
  });

  it('refuses a second execution with the same name', async () => {
    await start('dup-run', { dueAt: clock.now().toISOString(), verdict: 'no' });
    await emulator.settle();
    await expect(
      start('dup-run', { dueAt: clock.now().toISOString(), verdict: 'ok' }),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('stops a running execution', async () => {
    const dueAt = new Date(clock.now().getTime() + 24 * 3600 * 1000).toISOString();
    const { executionArn } = await start('stopped-run', { dueAt, verdict: 'ok' });
    await client.send(new StopExecutionCommand({ executionArn, cause: 'order placed' }));
    const before = invocations.length;
    clock.advance(25 * 3600 * 1000);
    await emulator.settle();
    expect((await describeExecution(executionArn!)).status).toBe('ABORTED');
    expect(invocations.length).toBe(before);
  });
});
