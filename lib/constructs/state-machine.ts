/**
 * A logged, traced, encrypted standard state machine from ASL text whose `${…FunctionArn}`
 * placeholders name catalog functions, allowed to invoke exactly those functions: the flows and the
 * import of an uploaded file are built alike.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionId } from '../catalog';
import { pascal } from './data-tables';
import { acknowledge } from './nag';

export interface LoggedStateMachineProps {
  readonly definition: string;
  /** Placeholder → the function whose ARN replaces it. */
  readonly functionArns: Readonly<Record<string, FunctionId>>;
  readonly functions: Readonly<Record<FunctionId, lambda.IFunction>>;
  readonly encryptionKey: kms.IKey;
  readonly comment: string;
  readonly name?: string;
}

export function loggedStateMachine(
  scope: Construct,
  id: string,
  props: LoggedStateMachineProps,
): sfn.StateMachine {
  const substitutions = Object.fromEntries(
    Object.entries(props.functionArns).map(([placeholder, fn]) => [
      placeholder,
      props.functions[fn].functionArn,
    ]),
  );
  const logGroup = new logs.LogGroup(scope, `${pascal(id)}Logs`, {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: props.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Every state transition is logged (level ALL), without execution data: the log tells which step
  // an execution reached and why it failed, and carries no phone numbers or message bodies.
  const stateMachine = new sfn.StateMachine(scope, pascal(id), {
    ...(props.name === undefined ? {} : { stateMachineName: props.name }),
    // Inline (fromString) rather than an S3 asset, so the template carries the definition.
    definitionBody: sfn.DefinitionBody.fromString(props.definition),
    definitionSubstitutions: substitutions,
    stateMachineType: sfn.StateMachineType.STANDARD,
    tracingEnabled: true,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    comment: props.comment,
    encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.encryptionKey),
  });
  // The ASL invokes the unqualified function ARNs: no `:*` for versions and aliases.
  stateMachine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [...new Set(Object.values(props.functionArns))].map((fn) => props.functions[fn].functionArn),
    }),
  );
  acknowledge(
    stateMachine.role,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing and CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups…) do not support resource-level permissions.',
  );
  return stateMachine;
}
