/**
 * The Optline stack: data, messaging, functions, the event bus and the HTTP API. Thin: each concern
 * lives in its own construct under lib/constructs/.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  COMMON_ENV,
  EVENT_BUS_BASE_NAME,
  functions,
  type FunctionDefinition,
  type FunctionId,
} from './catalog';
import type { DeploymentConfig } from './config';
import { DataTables } from './constructs/data-tables';
import { CampaignScheduling } from './constructs/campaign-scheduling';
import { Flows } from './constructs/flows';
import { Queues } from './constructs/queues';
import { Functions } from './constructs/functions';
import { HttpApi } from './constructs/http-api';
import { Messaging } from './constructs/messaging';

export interface OptlineStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

export class OptlineStack extends Stack {
  public readonly key: kms.Key;
  public readonly data: DataTables;
  public readonly messaging: Messaging;
  public readonly bus: events.EventBus;
  public readonly lambdas: Functions;
  public readonly http: HttpApi;
  public readonly flows: Flows;
  public readonly queues: Queues;
  public readonly scheduling: CampaignScheduling;

  constructor(scope: Construct, id: string, props: OptlineStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.key = new kms.Key(this, 'DataKey', {
      description: 'Optline: tables, topics, queues, logs and function environments',
      enableKeyRotation: true,
    });
    // CloudWatch Logs encrypts the function and access log groups with this key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:*`,
          },
        },
      }),
    );

    this.data = new DataTables(this, 'Data', { encryptionKey: this.key, protect: config.stage === 'prod' });
    this.messaging = new Messaging(this, 'Messaging', { config, encryptionKey: this.key });
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${EVENT_BUS_BASE_NAME}-${config.stage}` });

    this.lambdas = new Functions(this, 'Functions', {
      config,
      tables: this.data.tables,
      encryptionKey: this.key,
      bus: this.bus,
      messaging: this.messaging,
    });

    // Inbound SMS: topic → inbound function; messages SNS cannot deliver are kept in a DLQ.
    const inboundDlq = new sqs.Queue(this, 'InboundSmsDlq', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: undefined,
    });
    for (const functionId of idsWithTrigger('inbound-sms')) {
      this.messaging.inboundTopic.addSubscription(
        new snsSubscriptions.LambdaSubscription(this.lambdas.functions[functionId], {
          deadLetterQueue: inboundDlq,
        }),
      );
    }

    this.flows = new Flows(this, 'Flows', {
      config,
      functions: this.lambdas.functions,
      bus: this.bus,
      encryptionKey: this.key,
      phoneNumber: this.messaging.phoneNumber,
    });
    this.lambdas.connectFlows(this.flows.stateMachines, this.flows.mediaBucket, config.origination.mms);

    this.http = new HttpApi(this, 'Http', {
      functions: this.lambdas.functions,
      encryptionKey: this.key,
      stageName: config.stage,
    });

    this.queues = new Queues(this, 'Queues', { functions: this.lambdas.functions, encryptionKey: this.key });
    this.scheduling = new CampaignScheduling(this, 'Scheduling', {
      functions: this.lambdas.functions,
      groupName: `optline-${config.stage}`,
    });
    const deliveryDlq = new sqs.Queue(this, 'DeliveryEventsDlq', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
    });
    for (const functionId of idsWithTrigger('delivery-events')) {
      this.messaging.deliveryEventsTopic.addSubscription(
        new snsSubscriptions.LambdaSubscription(this.lambdas.functions[functionId], {
          deadLetterQueue: deliveryDlq,
        }),
      );
    }
    // Short links point at the API's /r/{code}. Built from the API id and the stage name (not the
    // deployment stage resource), so functions behind the API can carry it without a cycle.
    const linkBase = `https://${this.http.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${config.stage}`;
    for (const fn of Object.values(this.lambdas.functions)) fn.addEnvironment(COMMON_ENV.linkBase, linkBase);

    new CfnOutput(this, 'ApiUrl', { value: this.http.api.url });
    new CfnOutput(this, 'PhoneNumber', { value: this.messaging.phoneNumber });
    new CfnOutput(this, 'InboundTopicArn', {
      value: this.messaging.inboundTopic.topicArn,
      description: 'Two-way channel destination (set it on an existing number or pool)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }
}

function idsWithTrigger(kind: FunctionDefinition['trigger']['kind']): FunctionId[] {
  return (Object.entries(functions) as [FunctionId, FunctionDefinition][])
    .filter(([, d]) => d.trigger.kind === kind)
    .map(([id]) => id);
}
