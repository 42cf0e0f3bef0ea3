/**
 * The embedded local runtime: the whole platform on one machine with no AWS account. Real protocol
 * peers (dynalite for DynamoDB, aws-local-stepfunctions for the ASL files, a local AWS endpoint for End
 * User Messaging, EventBridge, Step Functions, Scheduler and SQS) and the same handler code as in AWS:
 * only the SDK endpoints differ.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import {
  buckets,
  consumerOf,
  definedFlowStateMachineName,
  EVENT_BUS_BASE_NAME,
  EVENT_SOURCE,
  eventRules,
  functions,
  functionsTriggeredBy,
  importStateMachine,
  importStateMachineName,
  queues,
  queuesFedBy,
  recurringExpression,
  resourceIds,
  scheduleGroupName,
  type BucketId,
  type EventRuleDefinition,
  type FunctionId,
  type QueueDefinition,
  type QueueId,
  type TableId,
  UPLOAD_PREFIX,
} from '../lib/catalog';
import {
  environmentFor,
  PLATFORM_VARIABLES,
  powertoolsSettings,
  PROGRAM_CONFIG_VARIABLE,
  readEnvironment,
  resourceValues,
  type DeploymentValues,
  type FunctionEnvironment,
} from '../lib/function-environment';
import type { DeploymentConfig } from '../lib/config';
import { compileFlow, FLOW_STEP_ARN_PLACEHOLDER } from '../lambdas/domain/flow-compiler';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { resetClients } from '../lambdas/adapters/aws-clients';
import { DynamoProfileStore } from '../lambdas/adapters/profile-store';
import { ApiGateway, type LocalApiAuth } from './api-gateway';
import { startAwsEndpoint, type LocalAwsEndpoint } from './aws/endpoint';
import { EventBridgeEmulator, type LocalRule } from './aws/eventbridge';
import { AwsError, readBody } from './aws/protocol';
import { SchedulerEmulator } from './aws/scheduler';
import { SecretsManagerEmulator } from './aws/secrets-manager';
import { KmsEmulator } from './aws/kms';
import { startLocalS3, type LocalS3 } from './aws/s3';
import { DeliveryReports } from './aws/delivery-reports';
import { noFaults, withFaults, type Faults } from './aws/fault-injection';
import { SmsVoiceEmulator } from './aws/sms-voice';
import { SqsEmulator } from './aws/sqs';
import { AsyncInvocations } from './aws/async-invocations';
import { StepFunctionsEmulator, type LocalStateMachine } from './aws/stepfunctions';
import { startDynamo, type LocalDynamo } from './dynamodb';
import { tableArn } from './dynamo-access';
import { AccessGuard, functionAccessKey } from './iam/access';
import {
  isAllowed,
  localPolicies,
  type CfnTemplate,
  type LocalAttributes,
  type LocalPolicies,
} from './iam/policies';
import { synthesizedTemplate } from './iam/synthesized-template';
import { LambdaHost, LOCAL_ACCOUNT, LOCAL_REGION, type InvocationType } from './lambda-host';
import { localRoutes } from './local-routes';
import { settleWork, type SettleOptions, type SettleResult, type WorkSource } from './settle';
import { TtlSweeper } from './ttl-sweeper';
import { LocalWebhooks } from './webhooks';
import { OptlineClient } from '../client';
import { LOCAL_CREDENTIALS, LOCAL_SIGNING_SCOPE } from './signature-check';
import { VirtualClock } from './virtual-clock';

/** The number subscribers text locally when the config provisions a new one. */
export const LOCAL_SIMULATOR_NUMBER = '+18885550100';

export interface LocalRuntimeOptions {
  readonly config: DeploymentConfig;
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  readonly host?: string;
  /** Persist DynamoDB data here; in memory when unset. */
  readonly dataDir?: string;
  /** Messages per second the emulated number accepts (default: the config's). */
  readonly messagesPerSecond?: number;
  readonly clockStart?: Date;
  readonly timeScale?: number;
  /** Powertools log level for the handlers (default WARN, to keep the console readable). */
  readonly logLevel?: string;
  /** Repository root (where lib/, lambdas/ and statemachines/ are). */
  readonly root?: string;
  /**
   * The synthesized template whose policies the local endpoints enforce (default: the stack this
   * config deploys, synthesized once and cached: local/iam/synthesized-template.ts).
   */
  readonly template?: CfnTemplate;
  /**
   * Synthesize a template missing from the cache in this process rather than in a child process
   * (for tests, whose processes load the CDK anyway: local/iam/synthesized-template.ts).
   */
  readonly synthesizeInProcess?: boolean;
  /** Signature checks of the API (default: signatures checked when present, `local`/`local`). */
  readonly auth?: LocalApiAuth;
  /** Values of the webhooks' secrets by secret name; a missing one is generated. */
  readonly webhookSecrets?: Readonly<Record<string, string>>;
}

/** The permission check the local endpoints make (local/iam/). */
export interface LocalPermissions {
  /** Each function's policy statements, resolved to the local resources. */
  readonly policies: LocalPolicies;
  /** Where the template came from: synthesized by this start, read from the cache, or given. */
  readonly source: 'synthesized' | 'cache' | 'given';
  /** Milliseconds the template took to synthesize or read. */
  readonly loadMs: number;
}

/** The largest request payload API Gateway (REST) accepts. */
const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface LocalRuntime {
  readonly url: string;
  readonly port: number;
  readonly config: DeploymentConfig;
  readonly originationNumber: string;
  readonly clock: VirtualClock;
  readonly sms: SmsVoiceEmulator;
  /** Faults injected into End User Messaging's sends (POST /_local/faults). */
  readonly smsFaults: Faults;
  readonly bus: EventBridgeEmulator;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly scheduler: SchedulerEmulator;
  readonly sqs: SqsEmulator;
  /** The stack's secrets (the preference-link key). */
  readonly secrets: SecretsManagerEmulator;
  /** The two-way channel's SNS → Lambda invocations and their retries. */
  readonly inboundInvocations: AsyncInvocations;
  readonly deliveries: DeliveryReports;
  readonly lambdas: LambdaHost;
  readonly aws: LocalAwsEndpoint;
  /** S3 (s3rver behind the IAM and presigned-POST checks): the stack's buckets. */
  readonly s3: LocalS3;
  /** The local name of each catalog bucket. */
  readonly bucketNames: Readonly<Record<BucketId, string>>;
  readonly dynamo: LocalDynamo;
  readonly sweeper: TtlSweeper;
  /** The configured webhooks, their secrets and their deliveries. */
  readonly webhooks: LocalWebhooks;
  /**
   * Waits until the work that is due is done: event deliveries, Lambda invocations and their retries,
   * queued messages, due schedules and flows, except those sleeping until a later virtual time (a Wait
   * state, a schedule for later, a message's DelaySeconds), which it lists in `waiting`.
   * `includeSleeping` waits for those too; `timeoutMs` limits the wait (`settled` is then false).
   */
  settle(options?: SettleOptions): Promise<SettleResult>;
  readonly permissions: LocalPermissions;
  /** The environment a function reads, validated as its handler validates it (for tests and tools). */
  environmentOf<Id extends FunctionId>(id: Id): FunctionEnvironment<Id>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const root = options.root ?? resolve(__dirname, '..');
  const { config } = options;
  const prefix = 'optline-local';
  // The policies to enforce: read (or synthesized) while the peers start.
  const loadStarted = Date.now();
  const templateSource: Promise<Omit<LocalPermissions, 'policies'> & { template: CfnTemplate }> =
    options.template
      ? Promise.resolve({ template: options.template, source: 'given', loadMs: 0 })
      : synthesizedTemplate(root, config, { inProcess: options.synthesizeInProcess ?? false }).then(
          ({ template, synthesized }) => ({
            template,
            source: synthesized ? 'synthesized' : 'cache',
            loadMs: Date.now() - loadStarted,
          }),
        );
  const clock = new VirtualClock(options.clockStart ?? new Date(), options.timeScale ?? 1);
  clock.install();
  const { origination } = config;
  const originationNumber =
    origination.kind === 'existing' ? origination.phoneNumber : LOCAL_SIMULATOR_NUMBER;
  const busName = `${EVENT_BUS_BASE_NAME}-local`;
  // An existing number's opt-out list is named in its policies, so it keeps its name here.
  const optOutListName =
    (origination.kind === 'existing' ? origination.optOutListName : undefined) ?? `${prefix}-opt-outs`;
  const configurationSetName = `${prefix}-config-set`;
  const scheduleGroup = scheduleGroupName(config.stage);
  const bucketName = (id: BucketId) => `${prefix}-${id.toLowerCase()}`;
  const schedulerRoleArn = `arn:aws:iam::${LOCAL_ACCOUNT}:role/${prefix}-scheduler`;

  const dynamo = await startDynamo({ dataDir: options.dataDir, prefix });
  const lambdas = new LambdaHost(root, prefix);

  const deliveries = new DeliveryReports({
    clock,
    // The topic's subscriptions: the catalog's queues fed by it (raw message delivery).
    deliver: (message) => {
      for (const id of queuesFedBy('delivery-events')) sqs.deliverFromTopic(`${prefix}-${id}`, message);
    },
  });
  const inboundInvocations = new AsyncInvocations();
  const uploadInvocations = new AsyncInvocations();
  const smsFaults = noFaults();
  const sms = new SmsVoiceEmulator({
    clock,
    numbers: [originationNumber],
    // An existing number keeps its ARN, which its policies name.
    ...(origination.kind === 'existing'
      ? { numberArns: { [originationNumber]: origination.originationIdentityArn } }
      : {}),
    optOutListName,
    configurationSetName,
    messagesPerSecond: options.messagesPerSecond ?? config.origination.messagesPerSecond,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    // SNS invokes the subscribers asynchronously: a failed invocation is retried (see AsyncInvocations).
    onInbound: async (event: SNSEvent) => {
      for (const id of functionsTriggeredBy('inbound-sms')) {
        await inboundInvocations.invoke(() => lambdas.invoke(id, event, 'Event'));
      }
    },
    onSent: (message) => deliveries.report(message),
  });

  const allRules: Readonly<Record<string, EventRuleDefinition>> = eventRules;
  const rules: LocalRule[] = Object.entries(allRules).map(([name, rule]) => ({
    name,
    source: EVENT_SOURCE,
    detailTypes: rule.detailTypes,
    // EventBridge invokes its Lambda targets asynchronously.
    deliver: (event) => lambdas.invoke(rule.target, event, 'Event'),
  }));
  // The webhooks' rules, delivered over HTTP as API destinations deliver (local/webhooks.ts); their
  // help-desk links point at this server's API, known once it listens.
  let apiUrl = '';
  const webhookSecrets = LocalWebhooks.secretsFor(config.webhooks, options.webhookSecrets ?? {});
  const webhooks = new LocalWebhooks(config.webhooks, webhookSecrets.secrets, webhookSecrets.generated, () =>
    clock.now(),
  );
  const bus = new EventBridgeEmulator({
    clock,
    busName,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    rules: [...rules, ...webhooks.rules(() => apiUrl)],
    sleepUntil: (at, signal) => clock.sleepUntil(at, signal),
  });

  const machines: LocalStateMachine[] = [];
  // The flows written as data, compiled from the config as CDK compiles them.
  const definedFlows = config.program.flows.definitions.filter((definition) => definition.enabled);
  for (const definition of definedFlows) {
    const name = definedFlowStateMachineName(prefix, definition.id);
    const text = JSON.stringify(compileFlow(definition))
      .split(`\${${FLOW_STEP_ARN_PLACEHOLDER}}`)
      .join(lambdas.arnOf('flowStep'));
    machines.push({
      arn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`,
      name,
      definition: JSON.parse(text) as LocalStateMachine['definition'],
    });
  }
  // The import of an uploaded file: its Distributed Map is run by the emulator (local/aws/stepfunctions.ts).
  const importMachineName = importStateMachineName(prefix);
  const importMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${importMachineName}`;
  {
    let text = readFileSync(resolve(root, importStateMachine.definitionFile), 'utf8');
    for (const [placeholder, functionId] of Object.entries(importStateMachine.functionArns))
      text = text.split(`\${${placeholder}}`).join(lambdas.arnOf(functionId));
    machines.push({
      arn: importMachineArn,
      name: importMachineName,
      definition: JSON.parse(text) as LocalStateMachine['definition'],
    });
  }
  // The state machine's own S3 access (its item reader and result writer), as the operator.
  let operatorS3: S3Client | undefined;
  const s3AsOperator = () =>
    (operatorS3 ??= new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }));
  const invokeArn = async (arn: string, payload: unknown, type?: InvocationType) => {
    const id = lambdas.idOf(arn);
    if (!id) throw new Error(`no local function for ${arn}`);
    return lambdas.invoke(id, payload, type);
  };
  const stepFunctions = new StepFunctionsEmulator({
    clock,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    stateMachines: machines,
    invokeLambda: invokeArn,
    readObject: async (bucket, key) => {
      const object = await s3AsOperator().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await object.Body!.transformToByteArray());
    },
    writeObject: async (bucket, key, body) => {
      await s3AsOperator().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
  });
  const scheduler = new SchedulerEmulator({
    clock,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    invokeTarget: async (arn, input) => {
      await invokeArn(arn, input, 'Event');
    },
  });

  // Each catalog queue with its consumer (event source mapping); its URL needs the endpoint's port.
  const allQueues = Object.entries(queues) as [QueueId, QueueDefinition][];
  const sqs = new SqsEmulator({
    clock,
    timeline: clock,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    endpointUrl: () => aws.url,
    queues: allQueues.map(([id, definition]) => {
      const consumer = consumerOf(id);
      return {
        name: `${prefix}-${id}`,
        definition,
        consumer: consumer && ((event: SQSEvent) => lambdas.invoke(consumer, event)),
      };
    }),
  });

  const preferenceKeyName = `${prefix}-preference-key`;
  const privacyKeyName = `${prefix}-privacy-key`;
  const secrets = new SecretsManagerEmulator({
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    names: [preferenceKeyName, privacyKeyName],
    dataDir: options.dataDir,
  });
  const certificateKeyAlias = `${prefix}-certificate-key`;
  const keyManagement = new KmsEmulator({
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    aliases: [certificateKeyAlias],
    dataDir: options.dataDir,
  });

  /** The local resource the template's metadata names, by the attributes `Ref` and `Fn::GetAtt` read. */
  const localResources = (): Record<string, LocalAttributes> => {
    const named: Record<string, LocalAttributes> = {
      [resourceIds.eventBus]: { Ref: busName, Name: busName, Arn: bus.busArn(busName) },
      [resourceIds.originationIdentity]: {
        Ref: sms.phoneNumberId(originationNumber),
        Arn: sms.phoneNumberArn(originationNumber),
        PhoneNumber: originationNumber,
      },
      [resourceIds.configurationSet]: {
        Ref: configurationSetName,
        Arn: sms.configurationSetArn(configurationSetName),
      },
      [resourceIds.optOutList]: { Ref: optOutListName, Arn: sms.optOutListArn() },
      [resourceIds.scheduleGroup]: {
        Ref: scheduleGroup,
        Arn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule-group/${scheduleGroup}`,
      },
      [resourceIds.schedulerRole]: { Ref: `${prefix}-scheduler`, Arn: schedulerRoleArn },
      [resourceIds.preferenceKey]: { Ref: secrets.arnOf(preferenceKeyName) },
      [resourceIds.privacyKey]: { Ref: secrets.arnOf(privacyKeyName) },
      [resourceIds.certificateKey]: {
        Ref: keyManagement.arnOf(certificateKeyAlias).split('/').at(-1)!,
        Arn: keyManagement.arnOf(certificateKeyAlias),
      },
    };
    for (const [id, name] of Object.entries(dynamo.tableNames) as [TableId, string][])
      named[resourceIds.table(id)] = { Ref: name, Arn: tableArn(LOCAL_REGION, LOCAL_ACCOUNT, name) };
    for (const id of Object.keys(buckets) as BucketId[])
      named[resourceIds.bucket(id)] = { Ref: bucketName(id), Arn: `arn:aws:s3:::${bucketName(id)}` };
    for (const id of Object.keys(queues) as QueueId[]) {
      const name = `${prefix}-${id}`;
      named[resourceIds.queue(id)] = { QueueName: name, Arn: sqs.queueArn(name) };
    }
    named[resourceIds.importStateMachine] = {
      Ref: importMachineArn,
      Arn: importMachineArn,
      Name: importMachineName,
    };
    for (const { id } of definedFlows) {
      const name = definedFlowStateMachineName(prefix, id);
      const arn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
      named[resourceIds.definedFlow(id)] = { Ref: arn, Arn: arn, Name: name };
    }
    for (const id of Object.keys(functions) as FunctionId[])
      named[resourceIds.function(id)] = { Ref: lambdas.functionName(id), Arn: lambdas.arnOf(id) };
    return named;
  };
  /**
   * Lambda creates an event source mapping only if the function's role may read the queue: a policy
   * without it fails the deployment, so it fails the local start too.
   */
  const requireEventSourcePermissions = (resolved: LocalPolicies) => {
    for (const queue of Object.keys(queues) as QueueId[]) {
      const consumer = consumerOf(queue);
      if (!consumer) continue;
      const arn = sqs.queueArn(`${prefix}-${queue}`);
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
        if (!isAllowed(resolved[consumer] ?? [], action, arn))
          throw new Error(
            `${consumer}'s role may not ${action} on ${arn}: its event source mapping cannot read ${queue}`,
          );
      }
    }
  };

  // The functions' policies in the template, resolved to the local resources the template names.
  const { template, source, loadMs } = await templateSource;
  const policies = localPolicies(template, {
    partition: 'aws',
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    urlSuffix: 'amazonaws.com',
    resources: localResources(),
  });
  const permissions: LocalPermissions = { policies, source, loadMs };
  const guardOptions = { account: LOCAL_ACCOUNT, functionNamePrefix: prefix };
  try {
    requireEventSourcePermissions(policies);
  } catch (error) {
    await dynamo.stop();
    clock.uninstall();
    throw error;
  }
  await dynamo.enforce({ policies, region: LOCAL_REGION, ...guardOptions });
  const s3 = await startLocalS3({
    buckets: (Object.keys(buckets) as BucketId[]).map(bucketName),
    dataDir: options.dataDir,
    region: LOCAL_REGION,
    guard: new AccessGuard(policies, guardOptions),
    // Download links are dated by the handlers' clock, so they expire by it.
    now: () => clock.now().getTime(),
  });
  // S3 → EventBridge → the import starter: each object created under uploads/ of the import bucket
  // is delivered to the functions the rule targets, asynchronously, as EventBridge invokes them.
  const uploadDeliveries = new Set<Promise<unknown>>();
  s3.onObjectCreated((object) => {
    if (object.bucket !== bucketName('imports') || !object.key.startsWith(UPLOAD_PREFIX)) return;
    const event = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: LOCAL_ACCOUNT,
      time: clock.now().toISOString(),
      region: LOCAL_REGION,
      resources: [`arn:aws:s3:::${object.bucket}`],
      detail: {
        version: '0',
        bucket: { name: object.bucket },
        object: { key: object.key, size: object.size },
        reason: 'PutObject',
      },
    };
    for (const id of functionsTriggeredBy('import-upload')) {
      const delivery = uploadInvocations
        .invoke(() => lambdas.invoke(id, event, 'Event'))
        .finally(() => uploadDeliveries.delete(delivery));
      uploadDeliveries.add(delivery);
    }
  });
  const aws = await startAwsEndpoint(
    [
      withFaults(sms.service(), {
        operations: ['SendTextMessage', 'SendMediaMessage'],
        faults: smsFaults,
        onRefusal: (reason) => sms.recordRefusal(reason),
      }),
      bus.service(),
      stepFunctions.service(),
      sqs.service(),
      secrets.service(),
      keyManagement.service(),
    ],
    scheduler.routes(),
    new AccessGuard(policies, guardOptions),
  );

  // The process's own AWS settings, as a developer's shell would have them for the local peers:
  // code outside the functions (tests, tools) reaches them as the account's operator.
  Object.assign(process.env, {
    [PLATFORM_VARIABLES.region]: LOCAL_REGION,
    [PLATFORM_VARIABLES.defaultRegion]: LOCAL_REGION,
    [PLATFORM_VARIABLES.accessKeyId]: 'local',
    [PLATFORM_VARIABLES.secretAccessKey]: 'local',
    [PLATFORM_VARIABLES.endpointUrl]: aws.url,
    [PLATFORM_VARIABLES.dynamoDbEndpointUrl]: dynamo.endpoint,
    [PLATFORM_VARIABLES.s3EndpointUrl]: s3.url,
  });
  resetClients();
  lambdas.environments.install();
  // Each function's environment: what Lambda sets, then exactly the variables CDK sets for it
  // (lib/function-environment.ts), pointing at the local peers. Short links point at this server,
  // known once it listens.
  const deployment = (linkBase: string): DeploymentValues => ({
    ...resourceValues(dynamo.tableNames, 'Table', (name) => name),
    ...resourceValues(buckets, 'Bucket', (_bucket, id) => bucketName(id)),
    ...resourceValues(queues, 'QueueUrl', (_queue, id) => sqs.queueUrl(`${prefix}-${id}`)),
    campaignDispatcherFunctionArn: lambdas.arnOf('campaignDispatcher'),
    importStateMachine: importMachineArn,
    definedFlowArnPrefix: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${definedFlowStateMachineName(prefix, '')}`,
    eventBus: busName,
    originationIdentity: sms.phoneNumberArn(originationNumber),
    originationNumber,
    configurationSet: configurationSetName,
    optOutList: optOutListName,
    messagesPerSecond: String(options.messagesPerSecond ?? config.origination.messagesPerSecond),
    importRowsPerSecond: String(config.imports.rowsPerSecond),
    mediaBucket: `${prefix}-media`,
    mms: String(config.origination.mms),
    linkBase,
    // Schedules that fail every attempt are kept as FAILED.
    schedulerRole: schedulerRoleArn,
    scheduleGroup,
    schedulerDeadLetterQueue: sqs.queueArn(`${prefix}-scheduler-dlq`),
    preferenceKey: secrets.arnOf(preferenceKeyName),
    privacyKey: secrets.arnOf(privacyKeyName),
    certificateKey: keyManagement.arnOf(certificateKeyAlias),
  });
  const setEnvironments = (linkBase: string) => {
    const values = deployment(linkBase);
    for (const id of Object.keys(functions) as FunctionId[]) {
      lambdas.environments.set(id, {
        [PLATFORM_VARIABLES.region]: LOCAL_REGION,
        [PLATFORM_VARIABLES.defaultRegion]: LOCAL_REGION,
        // The function's own credentials: its requests are checked against its policy.
        [PLATFORM_VARIABLES.accessKeyId]: functionAccessKey(id),
        [PLATFORM_VARIABLES.secretAccessKey]: 'local',
        [PLATFORM_VARIABLES.functionName]: lambdas.functionName(id),
        [PLATFORM_VARIABLES.functionMemory]: String(functions[id].memoryMb),
        [PLATFORM_VARIABLES.endpointUrl]: aws.url,
        [PLATFORM_VARIABLES.dynamoDbEndpointUrl]: dynamo.endpoint,
        [PLATFORM_VARIABLES.s3EndpointUrl]: s3.url,
        ...powertoolsSettings(id, options.logLevel ?? 'WARN'),
        [PLATFORM_VARIABLES.traceEnabled]: 'false',
        [PLATFORM_VARIABLES.metricsDisabled]: 'true',
        [PLATFORM_VARIABLES.dev]: 'false',
        [PROGRAM_CONFIG_VARIABLE]: JSON.stringify(config.program),
        ...environmentFor(id, values),
      });
    }
  };

  const api = new ApiGateway((id, event) => lambdas.invoke(id, event), options.auth);
  const work: WorkSource = {
    fireDue: () => scheduler.fireDue(),
    pending: () => [
      ...scheduler.pending(),
      ...inboundInvocations.pending('inbound-sms'),
      ...uploadInvocations.pending('import-upload'),
      ...(uploadDeliveries.size
        ? [
            {
              kind: 'event-delivery' as const,
              name: 'import-upload',
              state: 'running' as const,
              count: uploadDeliveries.size,
            },
          ]
        : []),
      ...deliveries.pending(),
      ...sqs.pending(),
      ...bus.pending(),
      ...stepFunctions.pending(),
    ],
  };
  const settle = (settleOptions?: SettleOptions) => settleWork(work, settleOptions);
  const profiles = new DynamoProfileStore(dynamo.tableNames.profiles);
  let apiClient: OptlineClient | undefined;
  const local = localRoutes({
    config,
    webhooks,
    api: () =>
      (apiClient ??= new OptlineClient({
        baseUrl: apiUrl,
        region: LOCAL_SIGNING_SCOPE.region,
        credentials: options.auth?.credentials ?? LOCAL_CREDENTIALS,
        maxRetries: 0,
      })),
    readProfile: (phone) => profiles.get(phone),
    clock,
    sms,
    smsFaults,
    bus,
    stepFunctions,
    scheduler,
    originationNumber,
    settle,
    root,
    aws: { endpointUrl: aws.url, s3EndpointUrl: s3.url, region: LOCAL_REGION, optOutList: optOutListName },
  });

  // The server listens before the functions' environments exist (short links need its port):
  // until they do, every request is answered 503.
  let ready = false;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!ready) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { code: 'starting', message: 'the local runtime is starting' } }));
        return;
      }
      try {
        // API Gateway's limit on a request's payload; each handler refuses less (64 KB, 1 MB for events).
        const body = await readBody(req, API_GATEWAY_MAX_PAYLOAD_BYTES);
        if (url.pathname.startsWith('/_local/')) {
          await local(req, res, url, body);
          return;
        }
        const result = await api.handle(req, url, body);
        res.writeHead(result.statusCode, (result.headers ?? {}) as Record<string, string>);
        res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      } catch (error) {
        if (error instanceof AwsError && error.status === 413) {
          res.writeHead(413, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: { code: 'body_too_large', message: 'request body is larger than 10 MB' },
            }),
          );
          return;
        }
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: (error as Error).message } }));
      }
    })();
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`;
  apiUrl = url;
  setEnvironments(url);
  await lambdas.preload();
  ready = true;
  // The stack's recurring schedules (the conversation and lapse sweeps), as CloudFormation creates them.
  for (const id of functionsTriggeredBy('recurring')) {
    const trigger = functions[id].trigger;
    if (trigger.kind !== 'recurring') continue;
    for (const [sweep, recurring] of Object.entries(trigger.sweeps)) {
      scheduler.createSchedule(`${prefix}-${id}-${sweep}`, {
        GroupName: scheduleGroup,
        ScheduleExpression: recurringExpression(recurring.rateMinutes),
        Target: { Arn: lambdas.arnOf(id), RoleArn: schedulerRoleArn, Input: JSON.stringify({ sweep }) },
      });
    }
  }
  scheduler.start();
  sqs.start();
  const sweeper = new TtlSweeper(dynamo.endpoint, dynamo.tableNames, clock);
  sweeper.start();

  return {
    url,
    port,
    config,
    originationNumber,
    clock,
    sms,
    smsFaults,
    bus,
    stepFunctions,
    scheduler,
    sqs,
    secrets,
    inboundInvocations,
    lambdas,
    aws,
    s3,
    bucketNames: resourceValuesById(buckets, bucketName),
    dynamo,
    sweeper,
    webhooks,
    deliveries,
    settle,
    permissions,
    environmentOf: (id) => lambdas.withEnvironment(id, () => readEnvironment(id)),
    stop: async () => {
      await inboundInvocations.settle();
      await Promise.allSettled([...uploadDeliveries]);
      await uploadInvocations.settle();
      await sqs.stop();
      stepFunctions.stopAll();
      await scheduler.stop();
      await sweeper.stop();
      bus.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await aws.stop();
      operatorS3?.destroy();
      await s3.stop();
      resetClients();
      lambdas.environments.uninstall();
      clock.uninstall();
      await dynamo.stop();
    },
  };
}

function resourceValuesById<Id extends string>(
  resources: Readonly<Record<Id, unknown>>,
  value: (id: Id) => string,
): Record<Id, string> {
  return Object.fromEntries((Object.keys(resources) as Id[]).map((id) => [id, value(id)])) as Record<
    Id,
    string
  >;
}
