/**
 * End User Messaging SMS resources (AWS::SMSVOICE::*): the opt-out list, the phone number with its
 * two-way channel to an SNS topic and self-managed opt-outs, a protect configuration that blocks every
 * destination country but the allowed ones, and a configuration set whose event destination publishes
 * delivery events to a second topic.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import { Construct } from 'constructs';
import { getCountries } from 'libphonenumber-js';
import type { DeploymentConfig } from '../config';
import { helpReply, optOutConfirmation } from '../../lambdas/domain/replies';
import { acknowledge, wildcardActionFinding } from './nag';

/** Regions libphonenumber knows that are not ISO 3166-1 codes (Ascension, Tristan da Cunha, Kosovo). */
const NOT_ISO_3166 = new Set(['AC', 'TA', 'XK']);

export interface MessagingProps {
  readonly config: DeploymentConfig;
  readonly encryptionKey: kms.IKey;
}

export class Messaging extends Construct {
  /** Inbound texts (two-way channel). */
  public readonly inboundTopic: sns.Topic;
  /** Delivery events of the configuration set. */
  public readonly deliveryEventsTopic: sns.Topic;
  /** ARN used as `OriginationIdentity` in sends. */
  public readonly originationIdentityArn: string;
  /** The number subscribers text (a token when provisioned by this stack). */
  public readonly phoneNumber: string;
  public readonly optOutListName: string;
  public readonly optOutListArn: string;
  public readonly configurationSetName: string;
  public readonly configurationSetArn: string;
  /** The role End User Messaging assumes to publish inbound texts to `inboundTopic` (two-way channel). */
  public readonly twoWayChannelRole: iam.Role;
  /** The End User Messaging resources the stack creates (the number only when it provisions one). */
  public readonly resources: {
    readonly optOutList: smsvoice.CfnOptOutList;
    readonly configurationSet: smsvoice.CfnConfigurationSet;
    readonly phoneNumber?: smsvoice.CfnPhoneNumber;
  };

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { config, encryptionKey } = props;
    const program = config.program;
    const stack = Stack.of(this);
    const prefix = `optline-${config.stage}`;

    this.inboundTopic = new sns.Topic(this, 'InboundSmsTopic', {
      masterKey: encryptionKey,
      enforceSSL: true,
    });
    this.deliveryEventsTopic = new sns.Topic(this, 'DeliveryEventsTopic', {
      masterKey: encryptionKey,
      enforceSSL: true,
    });

    // End User Messaging publishes delivery events as itself; only for this account's resources.
    const smsService = new iam.ServicePrincipal('sms-voice.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    });
    this.deliveryEventsTopic.grantPublish(smsService);
    encryptionKey.grant(smsService, 'kms:GenerateDataKey*', 'kms:Decrypt');

    let phoneNumber: smsvoice.CfnPhoneNumber | undefined;
    const optOutList = new smsvoice.CfnOptOutList(this, 'OptOutList', {
      optOutListName: `${prefix}-opt-outs`,
    });
    this.optOutListName =
      config.origination.kind === 'existing' && config.origination.optOutListName
        ? config.origination.optOutListName
        : (optOutList.optOutListName ?? `${prefix}-opt-outs`);
    this.optOutListArn =
      config.origination.kind === 'existing' && config.origination.optOutListName
        ? stack.formatArn({
            service: 'sms-voice',
            resource: 'opt-out-list',
            resourceName: config.origination.optOutListName,
          })
        : optOutList.attrArn;

    // The channel role lets End User Messaging publish inbound texts to the encrypted topic: used by
    // the number this stack provisions, and set by hand on an existing number or pool
    // (docs/deploy.md).
    const channelRole = new iam.Role(this, 'TwoWayChannelRole', {
      assumedBy: new iam.ServicePrincipal('sms-voice.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Lets End User Messaging publish inbound SMS to the Optline inbound topic',
    });
    this.inboundTopic.grantPublish(channelRole);
    acknowledge(
      channelRole,
      wildcardActionFinding('kms:GenerateDataKey*'),
      "CDK's publish grant on the encrypted inbound topic: the data-key action family on Optline's one key only.",
    );
    this.twoWayChannelRole = channelRole;

    if (config.origination.kind === 'provision') {
      const number = new smsvoice.CfnPhoneNumber(this, 'PhoneNumber', {
        isoCountryCode: config.origination.isoCountryCode,
        numberType: config.origination.numberType,
        numberCapabilities: config.origination.mms ? ['SMS', 'MMS'] : ['SMS'],
        optOutListName: optOutList.optOutListName ?? `${prefix}-opt-outs`,
        // Optline answers STOP/HELP itself (natural-language revocations, audit log, one confirmation).
        selfManagedOptOutsEnabled: true,
        mandatoryKeywords: {
          help: { message: helpReply(program) },
          stop: { message: optOutConfirmation(program) },
        },
        twoWay: { enabled: true, channelArn: this.inboundTopic.topicArn, channelRole: channelRole.roleArn },
        deletionProtectionEnabled: config.stage === 'prod',
      });
      number.node.addDependency(optOutList);
      phoneNumber = number;
      this.originationIdentityArn = number.attrArn;
      this.phoneNumber = number.attrPhoneNumber;
    } else {
      this.originationIdentityArn = config.origination.originationIdentityArn;
      this.phoneNumber = config.origination.phoneNumber;
    }

    const allowed = new Set(program.allowedCountries ?? [config.origination.isoCountryCode]);
    // SMS pumping defence: End User Messaging itself refuses any country not on the allow-list.
    const protect = new smsvoice.CfnProtectConfiguration(this, 'ProtectConfiguration', {
      countryRuleSet: {
        sms: getCountries()
          .filter((country) => !allowed.has(country) && !NOT_ISO_3166.has(country))
          .map((countryCode) => ({ countryCode, protectStatus: 'BLOCK' })),
      },
      deletionProtectionEnabled: config.stage === 'prod',
    });

    const configurationSet = new smsvoice.CfnConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `${prefix}-config-set`,
      protectConfigurationId: protect.attrProtectConfigurationId,
      eventDestinations: [
        {
          eventDestinationName: 'delivery-events',
          enabled: true,
          matchingEventTypes: ['TEXT_ALL', 'MEDIA_ALL'],
          snsDestination: { topicArn: this.deliveryEventsTopic.topicArn },
        },
      ],
    });
    configurationSet.node.addDependency(this.deliveryEventsTopic);
    this.configurationSetName = configurationSet.configurationSetName ?? `${prefix}-config-set`;
    this.configurationSetArn = configurationSet.attrArn;
    this.resources = { optOutList, configurationSet, ...(phoneNumber ? { phoneNumber } : {}) };
  }
}
