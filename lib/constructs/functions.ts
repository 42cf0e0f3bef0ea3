/**
 * The Lambda functions, built from the catalog: one NodejsFunction each (local esbuild, Node.js 22,
 * arm64), with exactly the permissions its catalog entry asks for, granted on the resources it uses.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { resolve } from 'node:path';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  COMMON_ENV,
  functions,
  stateMachineArnEnv,
  tables,
  type FunctionDefinition,
  type FunctionId,
  type StateMachineId,
  type TableAccess,
  type TableId,
} from '../catalog';
import type { DeploymentConfig } from '../config';
import { pascal } from './data-tables';
import type { Messaging } from './messaging';

const ROOT = resolve(__dirname, '..', '..');

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

export interface FunctionsProps {
  readonly config: DeploymentConfig;
  readonly tables: Record<TableId, dynamodb.Table>;
  readonly encryptionKey: kms.IKey;
  readonly bus: events.IEventBus;
  readonly messaging: Messaging;
}

export class Functions extends Construct {
  public readonly functions: Record<FunctionId, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const built = {} as Record<FunctionId, NodejsFunction>;
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      built[functionId] = this.build(functionId, definition, props);
    }
    this.functions = built;
  }

  /** Gives flow starters their state machines and media readers the media bucket (built after the functions). */
  connectFlows(
    stateMachines: Record<StateMachineId, sfn.StateMachine>,
    mediaBucket: s3.IBucket,
    mms: boolean,
  ): void {
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      const fn = this.functions[functionId];
      if (definition.startsFlows) {
        for (const [machineId, machine] of Object.entries(stateMachines) as [
          StateMachineId,
          sfn.StateMachine,
        ][]) {
          fn.addEnvironment(stateMachineArnEnv(machineId), machine.stateMachineArn);
          machine.grantStartExecution(fn);
          machine.grantExecution(fn, 'states:StopExecution', 'states:DescribeExecution');
        }
      }
      if (definition.readsMedia) {
        mediaBucket.grantRead(fn, 'contact-card.vcf');
        mediaBucket.grantRead(fn, 'media/*');
        fn.addEnvironment(COMMON_ENV.mediaBucket, mediaBucket.bucketName);
        fn.addEnvironment(COMMON_ENV.mms, String(mms));
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
    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: `optline-${functionId}`,
      POWERTOOLS_METRICS_NAMESPACE: 'Optline',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      [COMMON_ENV.eventBus]: props.bus.eventBusName,
      [COMMON_ENV.originationIdentity]: props.messaging.originationIdentityArn,
      [COMMON_ENV.originationNumber]: props.messaging.phoneNumber,
      [COMMON_ENV.configurationSet]: props.messaging.configurationSetName,
      [COMMON_ENV.optOutList]: props.messaging.optOutListName,
      [COMMON_ENV.mps]: String(props.config.origination.messagesPerSecond),
    };
    for (const tableId of Object.keys(definition.tables) as TableId[]) {
      environment[tables[tableId].envVar] = props.tables[tableId].tableName;
    }
    const fn = new NodejsFunction(this, name, {
      entry: resolve(ROOT, definition.entry),
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
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.CJS,
        // Bundle the SDK too: one tree-shaken copy, the versions the tests ran against.
        externalModules: [],
        // The validated program config is compiled into the bundle (no 4 KB environment limit).
        define: { 'process.env.OPTLINE_CONFIG': JSON.stringify(JSON.stringify(props.config.program)) },
      },
    });

    for (const [tableId, access] of Object.entries(definition.tables) as [TableId, TableAccess][]) {
      const table = props.tables[tableId];
      table.grant(fn, ...TABLE_ACTIONS[access]);
      if (access === 'read') props.encryptionKey.grantDecrypt(fn);
      else props.encryptionKey.grantEncryptDecrypt(fn);
    }
    if (definition.publishesEvents) props.bus.grantPutEventsTo(fn);
    if (definition.sms?.send) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sms-voice:SendTextMessage', 'sms-voice:SendMediaMessage'],
          resources: [
            props.messaging.originationIdentityArn,
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
    return fn;
  }
}
