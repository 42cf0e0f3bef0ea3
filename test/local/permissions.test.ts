/**
 * The local endpoints enforce each function's policy as the synthesized template writes it: with one
 * grant taken out of a function's policy, that call is refused with AccessDeniedException, in the
 * shape the service answers it, and everything else still runs. (Every other local test runs with
 * the template's policies as they are, so it proves the grants its calls need.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../lib/config';
import { DynamoConsentLogStore } from '../../lambdas/adapters/consent-log-store';
import { EventBridgePublisher } from '../../lambdas/adapters/event-publisher';
import { StepFunctionsFlowRunner } from '../../lambdas/adapters/flow-runner';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import { SqsQueueSender } from '../../lambdas/adapters/queue-sender';
import { SecretsManagerPreferenceKeys } from '../../lambdas/adapters/preference-keys';
import { KmsCertificateSigner } from '../../lambdas/adapters/kms-certificate-signer';
import { EventBridgeScheduler } from '../../lambdas/adapters/scheduler';
import { EndUserMessagingGateway } from '../../lambdas/adapters/sms-gateway';
import type { FunctionId } from '../../lib/catalog';
import { localPolicies, type CfnTemplate } from '../../local/iam/policies';
import { synthesizedTemplate, synthesizeTemplate } from '../../local/iam/synthesized-template';
import { loadLocalConfig } from '../../local/load-config';
import { startLocalRuntime } from '../../local/runtime';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { ROOT, startTestRuntime, type TestRuntime } from '../support/local-runtime';

/** The template with `action` taken out of every statement of the function's role policies. */
function withoutGrant(template: CfnTemplate, functionId: FunctionId, action: string): CfnTemplate {
  const copy = JSON.parse(JSON.stringify(template)) as { Resources: Record<string, Record<string, unknown>> };
  const fn = Object.values(copy.Resources).find(
    (r) =>
      (r.Metadata as Record<string, string> | undefined)?.['optline:resource'] === `function/${functionId}`,
  );
  const role = ((fn?.Properties as { Role: { 'Fn::GetAtt': [string] } }).Role['Fn::GetAtt'] ?? [])[0];
  let removed = 0;
  for (const resource of Object.values(copy.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const properties = resource.Properties as {
      Roles: { Ref: string }[];
      PolicyDocument: { Statement: { Action: string | string[] }[] };
    };
    if (!properties.Roles.some((r) => r.Ref === role)) continue;
    const document = properties.PolicyDocument;
    document.Statement = document.Statement.map((statement) => {
      const actions = [statement.Action].flat();
      removed += actions.includes(action) ? 1 : 0;
      return { ...statement, Action: actions.filter((a) => a !== action) };
    }).filter((statement) => statement.Action.length > 0);
  }
  if (removed === 0) throw new Error(`${functionId} has no ${action} grant to take out`);
  return copy as unknown as CfnTemplate;
}

const TAKEN: [FunctionId, string][] = [
  ['profilesApi', 'dynamodb:GetItem'],
  ['inboundSms', 'events:PutEvents'],
  ['campaignDispatcher', 'sqs:SendMessage'],
  ['flowStarter', 'states:StartExecution'],
  ['messagesApi', 'sms-voice:SendTextMessage'],
  ['campaignsApi', 'scheduler:CreateSchedule'],
  ['profilesApi', 'secretsmanager:GetSecretValue'],
  ['consentCertificatesApi', 'kms:Sign'],
];

/** A request signed (in form only: the local endpoints read the key) with a function's access key. */
function signedAs(functionId: string, service: string): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=local-${functionId}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
  };
}

describe('a grant taken out of the template', () => {
  let runtime: TestRuntime;
  /** Runs `call` as the function; resolves to the error it failed with. */
  const refusal = async (functionId: FunctionId, call: () => Promise<unknown>) => {
    try {
      await runtime.lambdas.withEnvironment(functionId, call);
    } catch (error) {
      return error as Error & { $metadata?: { httpStatusCode?: number } };
    }
    throw new Error(`${functionId}'s call was allowed`);
  };

  beforeAll(async () => {
    const { template } = await synthesizedTemplate(ROOT, loadLocalConfig(ROOT));
    const taken = TAKEN.reduce((t, [functionId, action]) => withoutGrant(t, functionId, action), template);
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY, template: taken });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('refuses a DynamoDB call with AccessDeniedException (JSON 1.0)', async () => {
    const { profilesTable } = runtime.environmentOf('profilesApi');
    const error = await refusal('profilesApi', () =>
      new DynamoProfileStore(profilesTable).get('+12065550100'),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/optline-local-profilesApi-role/optline-local-profilesApi is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/${profilesTable} because no identity-based policy allows the dynamodb:GetItem action`,
    );
    // The handler meets it too: the route fails, as it would in AWS.
    expect((await runtime.get('/v1/profiles/%2B12065550100')).status).toBe(500);
    // A grant the function still has is honoured.
    const { consentLogTable } = runtime.environmentOf('profilesApi');
    await expect(
      runtime.lambdas.withEnvironment('profilesApi', () =>
        new DynamoConsentLogStore(consentLogTable).list('+12065550100'),
      ),
    ).resolves.toEqual([]);
  });

  it('answers DynamoDB’s exact error document', async () => {
    const { profilesTable } = runtime.environmentOf('profilesApi');
    const response = await fetch(runtime.dynamo.endpoint, {
      method: 'POST',
      headers: {
        ...signedAs('profilesApi', 'dynamodb'),
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
      },
      body: JSON.stringify({ TableName: profilesTable, Key: { phone: { S: '+12065550100' } } }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await response.json()).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: expect.stringContaining('is not authorized to perform: dynamodb:GetItem on resource'),
    });
  });

  it('refuses an EventBridge call with AccessDeniedException (JSON 1.1), and the inbound handler meets it', async () => {
    const { eventBus } = runtime.environmentOf('inboundSms');
    const event = { type: 'TestHappened', detail: {}, at: new Date().toISOString() } as never;
    const error = await refusal('inboundSms', () => new EventBridgePublisher(eventBus).publish([event]));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(
      'is not authorized to perform: events:PutEvents on resource: arn:aws:events:',
    );
    // Another function keeps its grant on the same bus.
    await runtime.lambdas.withEnvironment('eventsApi', () =>
      new EventBridgePublisher(eventBus).publish([event]),
    );

    // A confirmed subscription publishes SubscriptionConfirmed: the invocation fails, and so do Lambda's retries.
    await runtime.text('+12065550131', 'JOIN');
    await runtime.text('+12065550131', 'YES');
    await runtime.settle();
    expect(runtime.inboundInvocations.failures.map((f) => f.error)).toEqual([
      expect.stringContaining('AccessDeniedException'),
    ]);
  });

  it('refuses an SQS call the way SQS does: 403, AccessDenied', async () => {
    const { campaignSendsQueueUrl } = runtime.environmentOf('campaignDispatcher');
    const error = await refusal('campaignDispatcher', () =>
      new SqsQueueSender().sendAll(campaignSendsQueueUrl, [{}]),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toContain(
      'is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:',
    );
    // The sender, which re-enqueues, keeps its grant.
    await runtime.lambdas.withEnvironment('campaignSender', () =>
      new SqsQueueSender().sendAll(campaignSendsQueueUrl, [{ campaignId: 'cmp_none', recipients: [] }], 900),
    );
  });

  it('answers SQS’s exact error document', async () => {
    const { campaignSendsQueueUrl } = runtime.environmentOf('campaignDispatcher');
    const response = await fetch(runtime.aws.url, {
      method: 'POST',
      headers: {
        ...signedAs('campaignDispatcher', 'sqs'),
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.SendMessage',
      },
      body: JSON.stringify({ QueueUrl: campaignSendsQueueUrl, MessageBody: '{}' }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-query-error')).toBe('AccessDenied;Sender');
    expect(await response.json()).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: expect.stringMatching(
        /not authorized to perform: sqs:sendmessage on resource: .* sqs:sendmessage action$/,
      ),
    });
  });

  it('refuses a Secrets Manager read with AccessDeniedException', async () => {
    const { preferenceKey } = runtime.environmentOf('profilesApi');
    const error = await refusal('profilesApi', () =>
      new SecretsManagerPreferenceKeys(preferenceKey, runtime.clock).all(),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`secretsmanager:GetSecretValue on resource: ${preferenceKey}`);
  });

  it('refuses a KMS signature with AccessDeniedException (JSON 1.1), and still reads the public key', async () => {
    const { certificateKey } = runtime.environmentOf('consentCertificatesApi');
    const signer = new KmsCertificateSigner(certificateKey);
    const error = await refusal('consentCertificatesApi', () => signer.signDigest(new Uint8Array(32)));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toContain(`kms:Sign on resource: ${certificateKey}`);
    const key = await runtime.lambdas.withEnvironment('consentCertificatesApi', () => signer.publicKey());
    expect(key).toMatchObject({ keyId: certificateKey, keySpec: 'RSA_2048' });
  });

  it('refuses a Step Functions call with AccessDeniedException', async () => {
    const welcomeStateMachineArn = `${runtime.environmentOf('flowStarter').definedFlowArnPrefix}welcome`;
    const error = await refusal('flowStarter', () =>
      new StepFunctionsFlowRunner().start(welcomeStateMachineArn, 'denied-1', {}),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`states:StartExecution on resource: ${welcomeStateMachineArn}`);
    expect(runtime.stepFunctions.executions.size).toBe(0);
  });

  it('refuses an End User Messaging send with AccessDeniedException', async () => {
    const env = runtime.environmentOf('messagesApi');
    const gateway = new EndUserMessagingGateway({
      originationIdentity: env.originationIdentity,
      configurationSetName: env.configurationSet,
    });
    const error = await refusal('messagesApi', () =>
      gateway.send({ to: '+12065550199', body: 'x', messageType: 'TRANSACTIONAL', context: {} }),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`sms-voice:SendTextMessage on resource: ${env.originationIdentity}`);
    expect(runtime.sms.messagesTo('+12065550199')).toEqual([]);
  });

  it('refuses a Scheduler call with AccessDeniedException (REST-JSON, 403)', async () => {
    const env = runtime.environmentOf('campaignsApi');
    const scheduler = new EventBridgeScheduler({ roleArn: env.schedulerRole, groupName: env.scheduleGroup });
    const schedule = {
      name: 'denied',
      at: '2030-01-01T00:00:00',
      timeZone: 'UTC',
      targetArn: env.campaignDispatcherFunctionArn,
      input: {},
    };
    const error = await refusal('campaignsApi', () => scheduler.create(schedule));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toContain(
      `scheduler:CreateSchedule on resource: arn:aws:scheduler:us-east-1:000000000000:schedule/${env.scheduleGroup}/denied`,
    );
    // It may still delete: that grant is left.
    await runtime.lambdas.withEnvironment('campaignsApi', () => scheduler.delete('denied'));
    // The operator (any other key) may do anything.
    const operator = new SchedulerClient({ endpoint: runtime.aws.url, region: 'us-east-1' });
    await expect(
      operator.send(new DeleteScheduleCommand({ Name: 'none', GroupName: env.scheduleGroup })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    operator.destroy();
  });
});

describe('a queue consumer whose role may not read its queue', () => {
  it('fails the start, as the event source mapping fails the deployment', async () => {
    const config = loadLocalConfig(ROOT);
    const { template } = await synthesizedTemplate(ROOT, config);
    await expect(
      startLocalRuntime({
        config,
        port: 0,
        root: ROOT,
        logLevel: 'ERROR',
        template: withoutGrant(template, 'campaignSender', 'sqs:ReceiveMessage'),
      }),
    ).rejects.toThrow(
      "campaignSender's role may not sqs:ReceiveMessage on arn:aws:sqs:us-east-1:000000000000:optline-local-campaignSends",
    );
  });
});

describe('the cached template', () => {
  it('holds the policies of any program with the same flow definitions on', async () => {
    const config = loadLocalConfig(ROOT);
    const other = parseDeploymentConfig({
      ...config.program,
      brand: 'Another Brand',
      keywords: { optIn: ['SIGNUP'] },
      // A flow's settings (not whether it is on: that adds or removes a state machine).
      flows: { abandonedCart: { delayMinutes: 30 } },
      origination: config.origination,
      stage: config.stage,
    });
    const dir = mkdtempSync(join(tmpdir(), 'optline-iam-'));
    try {
      const { template } = await synthesizedTemplate(ROOT, config);
      const fresh = await synthesizeTemplate(ROOT, other, join(dir, 'template.json'));
      // Every reference named after what it refers to, so the two templates compare resource by resource.
      const symbolic = {
        partition: 'aws',
        region: 'r',
        account: 'a',
        urlSuffix: 'u',
        resources: new Proxy(
          {},
          {
            get: (_t, name) =>
              new Proxy({}, { get: (_u, attribute) => `<${String(name)}.${String(attribute)}>` }),
          },
        ),
      };
      expect(localPolicies(fresh, symbolic)).toEqual(localPolicies(template, symbolic));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
