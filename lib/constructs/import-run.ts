/**
 * The import of an uploaded file inside the account (docs/import.md#uploading-into-the-stack): the
 * import bucket's Object Created events under `uploads/` (S3 → EventBridge, default bus) go to the
 * import starter, which starts the import state machine under the import id; the machine's
 * Distributed Map reads the file's items straight from the bucket and writes its results back there.
 *
 * The machine's role may read `uploads/` and `expanded/` (the item reader), write `results/` (the
 * result writer), start and watch its own child executions (the Distributed Map runs each batch as
 * one) and invoke the two import functions; nothing else of the bucket.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  EXPANDED_PREFIX,
  functionsTriggeredBy,
  importStateMachine,
  importStateMachineName,
  RESULTS_PREFIX,
  UPLOAD_PREFIX,
  type FunctionId,
} from '../catalog';
import { PACKAGE_ROOT } from '../package-root';
import { deadLetterQueue } from './dead-letter-queue';
import { acknowledge, wildcardResourceFinding } from './nag';
import { loggedStateMachine } from './state-machine';

export interface ImportRunProps {
  /** `optline-<stage>`: the state machine is `<prefix>-import`. */
  readonly namePrefix: string;
  readonly functions: Readonly<Record<FunctionId, lambda.IFunction>>;
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  /** Keep the dead-letter queue when the stack is deleted. */
  readonly retain: boolean;
}

export class ImportRun extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The rule on the default bus that starts an import for each upload. */
  public readonly rule: events.Rule;
  /** Upload events EventBridge could not hand to the import starter after retries. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ImportRunProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = importStateMachineName(props.namePrefix);
    this.stateMachine = loggedStateMachine(this, 'StateMachine', {
      definition: readFileSync(resolve(PACKAGE_ROOT, importStateMachine.definitionFile), 'utf8'),
      functionArns: importStateMachine.functionArns,
      functions: props.functions,
      encryptionKey: props.encryptionKey,
      comment: importStateMachine.description,
      name,
    });
    const role = this.stateMachine.role;

    // The Distributed Map runs each batch as a child execution of this machine: it starts them and
    // watches them. By name, not by reference: the role's policy cannot refer to its own machine.
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({
        service: 'states',
        resource,
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn('stateMachine', name)] }),
    );
    // Child executions are named `<machine>/<map run>:<id>`, the machine's own `<machine>:<id>`.
    const executions = [arn('execution', `${name}/*`), arn('execution', `${name}:*`)];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: executions,
      }),
    );
    // The item reader reads the upload (or its gunzipped copy); the result writer writes results/.
    const readable = [UPLOAD_PREFIX, EXPANDED_PREFIX].map((prefix) =>
      props.bucket.arnForObjects(`${prefix}*`),
    );
    const results = props.bucket.arnForObjects(`${RESULTS_PREFIX}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: readable }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [results],
      }),
    );
    props.encryptionKey.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
    for (const resource of [...executions, ...readable, results]) {
      acknowledge(
        role,
        wildcardResourceFinding(this, resource),
        "The import machine's own executions (the Distributed Map's batches) and its prefixes of the import bucket; names are import ids chosen at run time.",
      );
    }

    this.deadLetterQueue = deadLetterQueue(this, 'UploadEventsDlq', {
      encryptionKey: props.encryptionKey,
      retain: props.retain,
    });
    this.rule = new events.Rule(this, 'UploadRule', {
      description: `Object Created under ${UPLOAD_PREFIX} of the import bucket: starts the import of the file`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: [{ prefix: UPLOAD_PREFIX }] },
        },
      },
      targets: functionsTriggeredBy('import-upload').map(
        (functionId) =>
          new targets.LambdaFunction(props.functions[functionId], {
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
      ),
    });
  }
}
