/**
 * Optline as a construct, and the stack `npx cdk deploy` deploys with it: data, messaging, functions,
 * the event bus, the HTTP API, the consent archive and monitoring. Thin: each concern lives in its own
 * construct under lib/constructs/. A team adds `Optline` to a stack of its own (docs/deploy.md).
 */
import {
  Annotations,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  type StackProps,
} from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  EVENT_BUS_BASE_NAME,
  functionsTriggeredBy,
  queuesFedBy,
  scheduleGroupName,
  type TableId,
} from './catalog';
import {
  configFromContext,
  isValidatedConfig,
  type DeploymentConfig,
  type DeploymentConfigInput,
} from './config';
import { resourceValues } from './function-environment';
import { complianceWarnings } from './compliance-warnings';
import { flowTemplateWarnings, linkOrigin } from './template-lint';
import { CampaignScheduling } from './constructs/campaign-scheduling';
import { Webhooks } from './constructs/webhooks';
import { ConsentArchive } from './constructs/consent-archive';
import { DataTables, pascal } from './constructs/data-tables';
import { deadLetterQueue } from './constructs/dead-letter-queue';
import { Flows } from './constructs/flows';
import { Functions } from './constructs/functions';
import { HttpApi } from './constructs/http-api';
import { DownloadBucket } from './constructs/download-bucket';
import { ImportBucket } from './constructs/import-bucket';
import { ImportRun } from './constructs/import-run';
import { LinksDomain } from './constructs/links-domain';
import { Messaging } from './constructs/messaging';
import { Monitoring } from './constructs/monitoring';
import { preferenceKeySecret } from './constructs/preference-key';
import { privacyKeySecret } from './constructs/privacy-key';
import { certificateSigningKey } from './constructs/certificate-key';
import { Queues } from './constructs/queues';
import { nameResources } from './constructs/resource-names';

export interface OptlineProps {
  /**
   * The program: brand, numbers, keywords, quiet hours, flows… as in the `optline` key of cdk.json
   * (docs/config-reference.md). Validated here with the same messages as `cdk synth` gives for
   * cdk.json: an invalid value throws a `ConfigError` naming its key.
   */
  readonly config: DeploymentConfigInput | DeploymentConfig;
}

/**
 * The whole platform in any stack. Its parts are public so a team can add its own rules (on `bus`),
 * alarms (to `alarmTopic`), readers of the tables and routes of the API.
 */
export class Optline extends Construct {
  /** The validated configuration. */
  public readonly config: DeploymentConfig;
  /** The HTTP API (IAM-authorised server routes, public browser routes). */
  public readonly api: apigateway.RestApi;
  /** The `optline` event bus: SubscriptionConfirmed, OptedOut, MessageDelivered… (docs/events/). */
  public readonly eventBus: events.EventBus;
  /** The DynamoDB tables by catalog id (profiles, consentLog, messages, campaigns…). */
  public readonly tables: Readonly<Record<TableId, dynamodb.Table>>;
  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.Topic;
  public readonly key: kms.Key;
  public readonly accessLogsBucket: s3.Bucket;
  public readonly data: DataTables;
  public readonly messaging: Messaging;
  public readonly bus: events.EventBus;
  public readonly lambdas: Functions;
  public readonly http: HttpApi;
  /** The custom domain of the short links, when `links.domain` is set. */
  public readonly linksDomain?: LinksDomain;
  public readonly flows: Flows;
  public readonly queues: Queues;
  public readonly scheduling: CampaignScheduling;
  public readonly archive: ConsentArchive;
  /** Files uploaded for import (`POST /v1/imports`, docs/import.md). */
  public readonly importBucket: ImportBucket;
  public readonly downloadBucket: DownloadBucket;
  /** The import of uploaded files: the upload rule and the Distributed Map state machine. */
  public readonly importRun: ImportRun;
  /** The secret that signs preference-page links (docs/preferences.md). */
  public readonly preferenceKey: secretsmanager.Secret;
  /** The secret that keys the hash of erased numbers (docs/privacy.md). */
  public readonly privacyKey: secretsmanager.Secret;
  /** The KMS key that signs consent certificates (docs/consent-evidence.md). */
  public readonly certificateKey: kms.Key;
  public readonly monitoring: Monitoring;
  /** Every dead-letter queue and on-failure destination, by name (each has a depth alarm). */
  public readonly deadLetterQueues: Record<string, sqs.Queue> = {};

  constructor(scope: Construct, id: string, props: OptlineProps) {
    super(scope, id);
    const config = isValidatedConfig(props.config) ? props.config : configFromContext(props.config);
    this.config = config;
    const stack = Stack.of(this);
    // The preview checks on every flow template, as synth warnings naming the config field; links at
    // their length as sent (an environment-agnostic stack is checked as in us-east-1).
    const region = Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region;
    for (const warning of flowTemplateWarnings(
      config.program,
      linkOrigin(config.program, region, config.stage),
    )) {
      Annotations.of(this).addWarningV2(
        `optline:template-${warning.code}`,
        `${warning.field}: ${warning.message}`,
      );
    }
    for (const warning of complianceWarnings(config)) {
      Annotations.of(this).addWarningV2(`optline:${warning.code}`, `${warning.field}: ${warning.message}`);
    }
    const protect = config.stage === 'prod';

    this.key = new kms.Key(this, 'DataKey', {
      description: 'Optline: tables, topics, queues, logs, the consent archive and function environments',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts the function and access log groups with this key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*`,
          },
        },
      }),
    );
    // Services that write into encrypted queues and topics as themselves: SNS (subscription
    // dead-letter queues), EventBridge (rule target dead-letter queues) and CloudWatch (alarm
    // notifications to the alarm topic). Without a data key they fail silently.
    for (const service of ['sns.amazonaws.com', 'events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      this.key.grant(
        new iam.ServicePrincipal(service, {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
        'kms:GenerateDataKey*',
        'kms:Decrypt',
      );
    }

    // Server access logs of the media and archive buckets. S3 log delivery supports SSE-S3 only. Not
    // logged itself (that would loop); cdk-nag recognises a log destination bucket (S1 holds).
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(400) }],
    });

    this.data = new DataTables(this, 'Data', { encryptionKey: this.key, protect });
    this.messaging = new Messaging(this, 'Messaging', { config, encryptionKey: this.key });
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${EVENT_BUS_BASE_NAME}-${config.stage}` });

    this.preferenceKey = preferenceKeySecret(this, 'PreferenceKey', {
      encryptionKey: this.key,
      retain: protect,
    });
    this.privacyKey = privacyKeySecret(this, 'PrivacyKey', { encryptionKey: this.key });
    this.certificateKey = certificateSigningKey(this, 'CertificateKey');
    this.lambdas = new Functions(this, 'Functions', {
      config,
      preferenceKey: this.preferenceKey,
      privacyKey: this.privacyKey,
      certificateKey: this.certificateKey,
      tables: this.data.tables,
      encryptionKey: this.key,
      bus: this.bus,
      messaging: this.messaging,
      retain: protect,
    });
    for (const [functionId, queue] of Object.entries(this.lambdas.onFailureQueues)) {
      this.deadLetterQueues[`${pascal(functionId)}OnFailure`] = queue;
    }

    // Inbound SMS: topic → inbound function. The subscription's dead-letter queue keeps what SNS could
    // not hand to Lambda; what the function fails on goes to its on-failure destination (functions.ts).
    const inboundDlq = deadLetterQueue(this, 'InboundSmsDlq', { encryptionKey: this.key, retain: protect });
    this.deadLetterQueues.InboundSmsDlq = inboundDlq;
    for (const functionId of functionsTriggeredBy('inbound-sms')) {
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
      accessLogsBucket: this.accessLogsBucket,
    });
    this.deadLetterQueues.FlowTriggersDlq = this.flows.deadLetterQueue;
    this.lambdas.connectFlows(this.flows.definedFlows, this.flows.mediaBucket);
    this.importBucket = new ImportBucket(this, 'Imports', {
      encryptionKey: this.key,
      retentionDays: config.imports.retentionDays,
      accessLogsBucket: this.accessLogsBucket,
    });
    this.downloadBucket = new DownloadBucket(this, 'Downloads', { accessLogsBucket: this.accessLogsBucket });
    const buckets = { imports: this.importBucket.bucket, downloads: this.downloadBucket.bucket };
    this.lambdas.connectBuckets(buckets);
    this.importRun = new ImportRun(this, 'ImportRun', {
      namePrefix: `optline-${config.stage}`,
      functions: this.lambdas.functions,
      bucket: this.importBucket.bucket,
      encryptionKey: this.key,
      retain: protect,
    });
    this.lambdas.connectImports(this.importRun.stateMachine);
    this.deadLetterQueues.ImportUploadEventsDlq = this.importRun.deadLetterQueue;

    const links = config.program.links;
    this.http = new HttpApi(this, 'Http', {
      functions: this.lambdas.functions,
      encryptionKey: this.key,
      stageName: config.stage,
      ...(links.domain === undefined ? {} : { linksDomain: links.domain }),
    });
    if (links.domain !== undefined && this.http.linksApi) {
      this.linksDomain = new LinksDomain(this, 'LinksDomain', {
        links: { ...links, domain: links.domain },
        api: this.http.linksApi,
      });
    }

    this.queues = new Queues(this, 'Queues', {
      functions: this.lambdas.functions,
      encryptionKey: this.key,
      retain: protect,
    });
    for (const [queueId, queue] of Object.entries(this.queues.deadLetterQueues)) {
      this.deadLetterQueues[`${pascal(queueId)}Dlq`] = queue;
    }
    this.scheduling = new CampaignScheduling(this, 'Scheduling', {
      functions: this.lambdas.functions,
      groupName: scheduleGroupName(config.stage),
      encryptionKey: this.key,
      retain: protect,
    });
    this.deadLetterQueues.SchedulerDlq = this.scheduling.deadLetterQueue;

    // Events SNS could not hand to the delivery-events queue (the queue's own DLQ holds the ones the
    // function could not record).
    const deliveryDlq = deadLetterQueue(this, 'DeliveryEventsTopicDlq', {
      encryptionKey: this.key,
      retain: protect,
    });
    this.deadLetterQueues.DeliveryEventsTopicDlq = deliveryDlq;
    // The configuration set's topic feeds the queues that subscribe to it, raw: a message body is the
    // End User Messaging event itself. Deliveries SNS cannot make go to the dead-letter queue.
    for (const queueId of queuesFedBy('delivery-events')) {
      this.messaging.deliveryEventsTopic.addSubscription(
        new snsSubscriptions.SqsSubscription(this.queues.queues[queueId], {
          rawMessageDelivery: true,
          deadLetterQueue: deliveryDlq,
        }),
      );
    }
    // The API's stage, built from the API id and the stage name (not the deployment stage resource),
    // so functions behind the API can carry it without a cycle. The public origin of links in texts
    // (short links, preference pages) is the links domain when there is one, else the same.
    const apiBase = `https://${this.http.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${config.stage}`;
    const linkBase = links.domain === undefined ? apiBase : `https://${links.domain}`;
    // Webhooks: EventBridge rules delivering to the configured URLs through API destinations.
    if (config.webhooks.length > 0) {
      const webhooks = new Webhooks(this, 'Webhooks', {
        webhooks: config.webhooks,
        bus: this.bus,
        encryptionKey: this.key,
        apiBase,
        retain: protect,
      });
      this.deadLetterQueues.WebhooksDlq = webhooks.deadLetterQueue;
    }
    this.lambdas.setEnvironments({
      ...resourceValues(this.data.tables, 'Table', (table) => table.tableName),
      ...resourceValues(buckets, 'Bucket', (bucket) => bucket.bucketName),
      ...resourceValues(this.queues.queues, 'QueueUrl', (queue) => queue.queueUrl),
      campaignDispatcherFunctionArn: this.lambdas.functions.campaignDispatcher.functionArn,
      definedFlowArnPrefix: this.flows.definedFlowArnPrefix,
      importStateMachine: this.importRun.stateMachine.stateMachineArn,
      eventBus: this.bus.eventBusName,
      originationIdentity: this.messaging.originationIdentityArn,
      originationNumber: this.messaging.phoneNumber,
      configurationSet: this.messaging.configurationSetName,
      optOutList: this.messaging.optOutListName,
      messagesPerSecond: String(config.origination.messagesPerSecond),
      importRowsPerSecond: String(config.imports.rowsPerSecond),
      mediaBucket: this.flows.mediaBucket.bucketName,
      mms: String(config.origination.mms),
      linkBase,
      schedulerRole: this.scheduling.role.roleArn,
      scheduleGroup: this.scheduling.groupName,
      schedulerDeadLetterQueue: this.scheduling.deadLetterQueue.queueArn,
      preferenceKey: this.preferenceKey.secretArn,
      privacyKey: this.privacyKey.secretArn,
      certificateKey: this.certificateKey.keyArn,
    });

    nameResources({
      functions: this.lambdas.functions,
      tables: this.data.tables,
      buckets,
      queues: this.queues.queues,
      definedFlows: this.flows.definedFlows,
      importStateMachine: this.importRun.stateMachine,
      eventBus: this.bus,
      originationIdentity: this.messaging.resources.phoneNumber,
      configurationSet: this.messaging.resources.configurationSet,
      optOutList: this.messaging.resources.optOutList,
      scheduleGroup: this.scheduling.group,
      schedulerRole: this.scheduling.role,
      preferenceKey: this.preferenceKey,
      privacyKey: this.privacyKey,
      certificateKey: this.certificateKey,
    });

    this.archive = new ConsentArchive(this, 'ConsentArchive', {
      table: this.data.tables.consentLog,
      encryptionKey: this.key,
      retentionDays: config.consentArchiveRetentionDays,
      accessLogsBucket: this.accessLogsBucket,
      deadLetterQueue: this.scheduling.deadLetterQueue,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      encryptionKey: this.key,
      functions: this.lambdas.functions,
      stateMachines: {
        ...this.flows.definedFlows,
        import: this.importRun.stateMachine,
      },
      deadLetterQueues: this.deadLetterQueues,
      api: this.http.api,
    });

    this.api = this.http.api;
    this.eventBus = this.bus;
    this.tables = this.data.tables;
    this.alarmTopic = this.monitoring.alarmTopic;

    new CfnOutput(this, 'ApiUrl', { value: this.http.api.url });
    new CfnOutput(this, 'PhoneNumber', { value: this.messaging.phoneNumber });
    new CfnOutput(this, 'InboundTopicArn', {
      value: this.messaging.inboundTopic.topicArn,
      description: 'Two-way channel destination (set it on an existing number or pool)',
    });
    new CfnOutput(this, 'TwoWayChannelRoleArn', {
      value: this.messaging.twoWayChannelRole.roleArn,
      description: 'Role End User Messaging assumes to publish to InboundTopicArn (set it with the channel)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Subscribe an email, chat or paging endpoint to receive the alarms',
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'ConsentLogTableName', {
      value: this.data.tables.consentLog.tableName,
      description: 'The consent log: npx optline consent verify --all and consent chain read it',
    });
    new CfnOutput(this, 'ProfilesTableName', {
      value: this.data.tables.profiles.tableName,
      description:
        'The profiles: npx optline win-back index indexes the last orders recorded before win-back',
    });
    new CfnOutput(this, 'ImportBucketName', {
      value: this.importBucket.bucket.bucketName,
      description: 'Files uploaded for import (POST /v1/imports), kept for imports.retentionDays',
    });
    new CfnOutput(this, 'ConsentArchiveBucketName', {
      value: this.archive.bucket.bucketName,
      description: 'Daily consent-log exports, locked with S3 Object Lock (COMPLIANCE)',
    });
  }
}

export interface OptlineStackProps extends StackProps {
  readonly config: DeploymentConfigInput | DeploymentConfig;
}

/**
 * The stack of `bin/optline.ts`: Optline alone. The construct's id `Default` keeps it out of the
 * resources' logical ids, so they are the ids the stack had before Optline became a construct.
 */
export class OptlineStack extends Stack {
  public readonly optline: Optline;

  constructor(scope: Construct, id: string, props: OptlineStackProps) {
    super(scope, id, props);
    this.optline = new Optline(this, 'Default', { config: props.config });
  }
}
