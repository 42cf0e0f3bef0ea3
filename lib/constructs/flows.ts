/**
 * Flows: one Step Functions state machine per enabled flow definition, compiled at synth (inline in
 * the template, with the flow-step function's ARN substituted), logged and traced; the rules on the
 * bus that send flow triggers to the flow starter (with retries and a dead-letter queue); the media
 * bucket with the contact card.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { compileFlow, FLOW_STEP_ARN_PLACEHOLDER } from '../../lambdas/domain/flow-compiler';
import {
  definedFlowStateMachineName,
  EVENT_SOURCE,
  eventRules,
  type EventRuleDefinition,
  type FunctionId,
} from '../catalog';
import type { DeploymentConfig } from '../config';
import { pascal } from './data-tables';
import { deadLetterQueue } from './dead-letter-queue';
import { acknowledge, acknowledgeCdkOwnedRole } from './nag';
import { loggedStateMachine } from './state-machine';

export interface FlowsProps {
  readonly config: DeploymentConfig;
  readonly functions: Record<FunctionId, lambda.IFunction>;
  readonly bus: events.IEventBus;
  readonly encryptionKey: kms.IKey;
  /** The number subscribers text, for the contact card. */
  readonly phoneNumber: string;
  /** Where the media bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
}

export class Flows extends Construct {
  /** The flows written as data (`flows.definitions`), compiled at synth: one per enabled definition. */
  public readonly definedFlows: Record<string, sfn.StateMachine>;
  /** Their ARNs up to the definition id (the flow starter adds the id). */
  public readonly definedFlowArnPrefix: string;
  public readonly mediaBucket: s3.Bucket;
  /** Events the bus could not deliver to the flow starter after retries. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FlowsProps) {
    super(scope, id);
    const prefix = `optline-${props.config.stage}`;
    this.definedFlowArnPrefix = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: definedFlowStateMachineName(prefix, ''),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.definedFlows = {};
    for (const definition of props.config.program.flows.definitions) {
      if (!definition.enabled) continue;
      this.definedFlows[definition.id] = this.stateMachine(props, `Flow${pascal(definition.id)}`, {
        definition: JSON.stringify(compileFlow(definition), null, 2),
        functionArns: { [FLOW_STEP_ARN_PLACEHOLDER]: 'flowStep' },
        comment: `Flow ${definition.id} (flows.definitions): started by ${definition.trigger.event}`,
        name: definedFlowStateMachineName(prefix, definition.id),
      });
    }

    this.deadLetterQueue = deadLetterQueue(this, 'FlowTriggersDlq', {
      encryptionKey: props.encryptionKey,
      retain: props.config.stage === 'prod',
    });
    for (const [ruleId, rule] of Object.entries(eventRules) as [string, EventRuleDefinition][]) {
      new events.Rule(this, `${pascal(ruleId)}Rule`, {
        eventBus: props.bus,
        description: rule.description,
        eventPattern: { source: [EVENT_SOURCE], detailType: [...rule.detailTypes] },
        targets: [
          new targets.LambdaFunction(props.functions[rule.target], {
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }

    this.mediaBucket = new s3.Bucket(this, 'MediaBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'media-bucket/',
    });
    // End User Messaging fetches MMS media as the service, for this account only.
    this.mediaBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [
          this.mediaBucket.arnForObjects('media/*'),
          this.mediaBucket.arnForObjects('contact-card.vcf'),
        ],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const contactCardDeployment = new s3deploy.BucketDeployment(this, 'ContactCard', {
      destinationBucket: this.mediaBucket,
      sources: [
        s3deploy.Source.data('contact-card.vcf', contactCard(props.config.program.brand, props.phoneNumber)),
      ],
      contentType: 'text/vcard',
      prune: false,
      memoryLimit: 256,
    });
    // The deployment's handler is CDK's own singleton function (one per stack, at the stack's root),
    // with CDK's role and runtime; acknowledged here, where the deployment that creates it is made.
    const reason =
      'CDK BucketDeployment handler: copies the contact card at deploy time, never invoked at run time; its role and runtime are set by aws-cdk-lib.';
    acknowledgeCdkOwnedRole(contactCardDeployment.handlerRole, reason);
    const deploymentHandler = contactCardDeployment.handlerRole.node.scope;
    if (deploymentHandler) acknowledge(deploymentHandler, 'AwsSolutions-L1', reason);
  }

  /** A logged, traced, encrypted standard state machine that may invoke the functions it names. */
  private stateMachine(
    props: FlowsProps,
    id: string,
    machine: {
      readonly definition: string;
      readonly functionArns: Readonly<Record<string, FunctionId>>;
      readonly comment: string;
      readonly name?: string;
    },
  ): sfn.StateMachine {
    return loggedStateMachine(this, id, {
      ...machine,
      functions: props.functions,
      encryptionKey: props.encryptionKey,
    });
  }
}

/** vCard 3.0 (RFC 2426) with the brand and the program's number, so subscribers can save it. */
export function contactCard(brand: string, phoneNumber: string): string {
  const escape = (value: string) => value.replace(/[\\,;]/g, (c) => `\\${c}`);
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${escape(brand)}`,
    `ORG:${escape(brand)}`,
    `TEL;TYPE=CELL,VOICE:${phoneNumber}`,
    'END:VCARD',
    '',
  ].join('\r\n');
}
