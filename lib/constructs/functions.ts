/**
 * The Lambda functions, built from the catalog: one NodejsFunction each (local esbuild, Node.js 22,
 * arm64), with its own role holding exactly the permissions its catalog entry asks for, granted on the
 * resources it uses (no AWS managed policies), and, when the function is invoked asynchronously, an
 * on-failure destination for the events its handler could not process.
 */
import { Duration, RemovalPolicy, Stack, ArnFormat } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { resolve } from 'node:path';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  functions,
  tables,
  EXPANDED_PREFIX,
  UPLOAD_PREFIX,
  type BucketAccess,
  type BucketId,
  type FunctionDefinition,
  type FunctionId,
  type TableAccess,
  type TableId,
} from '../catalog';
import { environmentFor, powertoolsSettings, type DeploymentValues } from '../function-environment';
import { aliasArgs, defines, ESBUILD_TARGET, MAIN_FIELDS } from '../bundling';
import type { DeploymentConfig } from '../config';
import { pascal } from './data-tables';
import { deadLetterQueue } from './dead-letter-queue';
import type { Messaging } from './messaging';
import { acknowledge, wildcardActionFinding, wildcardResourceFinding } from './nag';
import { PACKAGE_ROOT } from '../package-root';

/** DynamoDB actions per access mode; `append` has no UpdateItem/DeleteItem (the consent log). */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
  append: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DescribeTable'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
  ],
};

/**
 * Triggers that invoke their function asynchronously (`InvocationType: Event`): SNS, EventBridge
 * rules and EventBridge Scheduler hand the event to Lambda's internal queue and are done once Lambda
 * accepts it. Their own dead-letter queues (SNS subscription redrive policy, rule target DLQ,
 * schedule DLQ) only hold events they could not hand over (invoke refused, permissions, their retries
 * exhausted). What happens after Lambda accepted the event (the handler throws, is throttled until
 * the event is too old) is Lambda's asynchronous invocation: two retries, then the event is dropped
 * unless the function has an on-failure destination. So each of these functions gets one.
 * Synchronous triggers (API Gateway, Step Functions tasks, the SQS event source mapping) return the
 * error to their caller, which retries or dead-letters on its own.
 */
export const ASYNC_TRIGGERS: ReadonlySet<FunctionDefinition['trigger']['kind']> = new Set([
  'inbound-sms',
  'event-rule',
  'schedule',
  'recurring',
  'import-upload',
]);

export interface FunctionsProps {
  readonly config: DeploymentConfig;
  readonly tables: Record<TableId, dynamodb.Table>;
  readonly encryptionKey: kms.IKey;
  readonly bus: events.IEventBus;
  readonly messaging: Messaging;
  /** The secret that signs preference-page links, read by the functions that make or open them. */
  readonly preferenceKey: secretsmanager.ISecret;
  /** The secret that keys the hash of erased numbers, read by the privacy requests. */
  readonly privacyKey: secretsmanager.ISecret;
  /** The KMS key that signs consent certificates. */
  readonly certificateKey: kms.IKey;
  /**
   * Keep the on-failure queues (and the events in them) when the stack is deleted.
   * @default true
   */
  readonly retain?: boolean;
}

export class Functions extends Construct {
  public readonly functions: Record<FunctionId, NodejsFunction>;
  /** On-failure destinations of the asynchronously invoked functions (see `ASYNC_TRIGGERS`). */
  public readonly onFailureQueues: Partial<Record<FunctionId, sqs.Queue>> = {};

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const built = {} as Record<FunctionId, NodejsFunction>;
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      built[functionId] = this.build(functionId, definition, props);
    }
    this.functions = built;
    // CDK's KMS grants (tables, queues, on-failure destinations) name action families; the resource is
    // always the stack's one key. Acknowledged here, over every function role, for the two families
    // the grants use.
    const families: Record<string, string> = {
      'kms:GenerateDataKey*': 'GenerateDataKey and GenerateDataKeyWithoutPlaintext',
      'kms:ReEncrypt*': 'ReEncryptFrom and ReEncryptTo',
    };
    for (const [action, members] of Object.entries(families)) {
      acknowledge(
        this,
        wildcardActionFinding(action),
        `CDK's standard grant (tables, queues, destinations) on Optline's one customer-managed key: ${action} is ${members}, on that key only.`,
      );
    }
  }

  /**
   * Sets each function's environment: exactly the variables its catalog entry gives it
   * (lib/function-environment.ts), from the stack's values for every key.
   */
  setEnvironments(values: DeploymentValues): void {
    for (const functionId of Object.keys(functions) as FunctionId[]) {
      for (const [name, value] of Object.entries(environmentFor(functionId, values)))
        this.functions[functionId].addEnvironment(name, value);
    }
  }

  /** Gives flow starters their state machines and media readers the media bucket (built after the functions). */
  connectFlows(stateMachines: Readonly<Record<string, sfn.StateMachine>>, mediaBucket: s3.IBucket): void {
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      const fn = this.functions[functionId];
      if (definition.startsFlows) {
        for (const [machineId, machine] of Object.entries(stateMachines)) {
          machine.grantStartExecution(fn);
          // Executions of this machine only: `execution:<machine name>:<execution name>`.
          const executions = Stack.of(this).formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${machine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          });
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['states:StopExecution', 'states:DescribeExecution'],
              resources: [executions],
            }),
          );
          acknowledge(
            fn.role ?? fn,
            wildcardResourceFinding(fn, executions),
            `Executions of the ${machineId} flow only; execution names are derived from events at run time.`,
          );
        }
      }
      if (definition.readsMedia) {
        // SendMediaMessage reads the media as the caller: GetObject on the card and the media prefix.
        const media = mediaBucket.arnForObjects('media/*');
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [mediaBucket.arnForObjects('contact-card.vcf'), media],
          }),
        );
        acknowledge(
          fn.role ?? fn,
          wildcardResourceFinding(fn, media),
          'Read-only on the media/ prefix of the MMS media bucket; media object names are chosen when campaigns are written.',
        );
      }
    }
  }

  /**
   * Lets the functions that start imports start the import state machine, and those that watch
   * them describe its executions (built after the functions).
   */
  connectImports(stateMachine: sfn.StateMachine): void {
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      const fn = this.functions[functionId];
      if (definition.startsImports) stateMachine.grantStartExecution(fn);
      if (definition.watchesImports) {
        const executions = Stack.of(this).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${stateMachine.stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }),
        );
        acknowledge(
          fn.role ?? fn,
          wildcardResourceFinding(fn, executions),
          "DescribeExecution on the import machine's executions only; execution names are import ids chosen at run time.",
        );
      }
    }
  }

  /** Gives each function the buckets its catalog entry names (built after the functions). */
  connectBuckets(buckets: Readonly<Record<BucketId, s3.IBucket>>): void {
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      const fn = this.functions[functionId];
      for (const [bucketId, access] of Object.entries(definition.buckets ?? {}) as [
        BucketId,
        BucketAccess,
      ][]) {
        const bucket = buckets[bucketId];
        if (access === 'upload') {
          // A presigned POST uploads as its signer: PutObject on the upload prefix, and a data key
          // from the bucket's KMS key to encrypt the file with. Nothing else: no read, list or delete.
          const uploads = bucket.arnForObjects(`${UPLOAD_PREFIX}*`);
          fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [uploads] }));
          bucket.encryptionKey?.grant(fn, 'kms:GenerateDataKey');
          acknowledge(
            fn.role ?? fn,
            wildcardResourceFinding(fn, uploads),
            `PutObject under the ${UPLOAD_PREFIX} prefix of the ${bucketId} bucket only, for the presigned uploads it signs; object keys are import ids chosen at run time.`,
          );
          continue;
        }
        if (access === 'prepare') {
          // Reads an upload, and writes its gunzipped copy for the item reader (in parts when large).
          const uploads = bucket.arnForObjects(`${UPLOAD_PREFIX}*`);
          const expanded = bucket.arnForObjects(`${EXPANDED_PREFIX}*`);
          fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [uploads] }));
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
              resources: [expanded],
            }),
          );
          bucket.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
          for (const resource of [uploads, expanded])
            acknowledge(
              fn.role ?? fn,
              wildcardResourceFinding(fn, resource),
              `The ${bucketId} bucket's uploads (read) and their gunzipped copies (written) only; object keys are import ids chosen at run time.`,
            );
          continue;
        }
        // It writes a document under its prefix and signs the presigned GET that reads it back: a
        // presigned GET downloads as its signer, so GetObject there and Decrypt with the bucket's key.
        // No list or delete: the documents expire by the bucket's lifecycle rule.
        const documents = bucket.arnForObjects(`${access.serve}*`);
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [documents] }),
        );
        bucket.encryptionKey?.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
        acknowledge(
          fn.role ?? fn,
          wildcardResourceFinding(fn, documents),
          `PutObject and GetObject under the ${access.serve} prefix of the ${bucketId} bucket only, for the download links it signs; object keys are random ids chosen at run time.`,
        );
      }
    }
  }

  private build(
    functionId: FunctionId,
    definition: FunctionDefinition,
    props: FunctionsProps,
  ): NodejsFunction {
    const name = pascal(functionId);
    const logGroup = new logs.LogGroup(this, `${name}Logs`, {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The Powertools settings; the function's own variables come with `setEnvironments`.
    const environment = powertoolsSettings(functionId, 'INFO');
    // An explicit role instead of AWSLambdaBasicExecutionRole: logs go to this function's group only.
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Optline ${functionId} function`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, name, {
      role,
      entry: resolve(PACKAGE_ROOT, definition.entry),
      handler: 'handler',
      description: definition.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment,
      environmentEncryption: props.encryptionKey,
      // See lib/bundling.ts: the benchmark measures bundles with the same settings.
      bundling: {
        minify: true,
        sourceMap: true,
        target: ESBUILD_TARGET,
        format: OutputFormat.CJS,
        externalModules: [],
        mainFields: MAIN_FIELDS,
        esbuildArgs: aliasArgs(),
        define: defines(props.config.program),
        // esbuild's warnings and errors, not its size table for each of the 13 bundles on every synth
        // (`npm run bench` reports the sizes).
        logLevel: LogLevel.WARNING,
      },
    });

    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Pinned to Node.js 22, the runtime the handlers, bundles (target node22) and tests are built for; moved deliberately, not by the latest-runtime flag.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    );

    for (const [tableId, access] of Object.entries(definition.tables) as [TableId, TableAccess][]) {
      const table = props.tables[tableId];
      // The table and, by name, the indexes the catalog defines (no `index/*`).
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...TABLE_ACTIONS[access]],
          resources: [
            table.tableArn,
            ...tables[tableId].indexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
          ],
        }),
      );
      if (access === 'read') props.encryptionKey.grantDecrypt(fn);
      else props.encryptionKey.grantEncryptDecrypt(fn);
    }
    if (definition.publishesEvents) props.bus.grantPutEventsTo(fn);
    // GetSecretValue (any version: links made before a rotation open until they expire) and Describe.
    if (definition.preferenceLinks) props.preferenceKey.grantRead(fn);
    if (definition.privacyKey) props.privacyKey.grantRead(fn);
    if (definition.signsCertificates) props.certificateKey.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
    if (definition.sms?.send) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sms-voice:SendTextMessage', 'sms-voice:SendMediaMessage'],
          resources: [
            props.messaging.originationIdentityArn,
            // A number change sends from its new number (and replies from the old one until released).
            ...props.config.origination.additionalIdentityArns,
            props.messaging.configurationSetArn,
            props.messaging.optOutListArn,
          ],
        }),
      );
    }
    if (definition.sms?.optOutList) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            'sms-voice:PutOptedOutNumber',
            'sms-voice:DeleteOptedOutNumber',
            'sms-voice:DescribeOptedOutNumbers',
          ],
          resources: [props.messaging.optOutListArn],
        }),
      );
    }
    if (ASYNC_TRIGGERS.has(definition.trigger.kind)) {
      const onFailure = deadLetterQueue(this, `${name}OnFailure`, {
        encryptionKey: props.encryptionKey,
        retain: props.retain,
      });
      fn.configureAsyncInvoke({
        onFailure: new destinations.SqsDestination(onFailure),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      });
      this.onFailureQueues[functionId] = onFailure;
    }
    return fn;
  }
}
