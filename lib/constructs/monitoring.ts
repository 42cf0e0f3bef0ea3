/**
 * Alarms and the program dashboard; what each alarm watches and each widget shows is in
 * docs/operations.md. Every alarm publishes to one KMS-encrypted SNS topic (the `AlarmTopicArn`
 * output). The spend alarm reads AWS/SMSVoice `TextMessageMonthlySpend`, per "Monitoring AWS End User
 * Messaging SMS with Amazon CloudWatch"
 * (https://docs.aws.amazon.com/sms-voice/latest/userguide/monitoring-cloudwatch.html).
 *
 * Optline's own metrics are embedded metric format in the functions' logs (no PutMetricData
 * permission), namespace `Optline`, with Powertools' `service` dimension (lambdas/adapters/metrics.ts)
 * and at most one more. Alarms address exact dimension sets (METRIC_DIMENSIONS); dashboard breakdowns
 * whose dimension values are open-ended (skip reasons, keywords) use Metrics Insights queries, which
 * aggregate whatever the dimensions are.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FunctionId } from '../catalog';
import type { DeploymentConfig } from '../config';
import { pascal } from './data-tables';

/** Namespace of Optline's business metrics (`POWERTOOLS_METRICS_NAMESPACE` of every function). */
export const METRIC_NAMESPACE = 'Optline';
/** The dimensions every Optline metric carries (Powertools' `service`, see lambdas/adapters/metrics.ts). */
export const METRIC_DIMENSIONS = { service: 'optline' } as const;
/** Values of the `MessageClass` dimension of `MessagesSent` (lambdas/domain/messages.ts). */
export const MESSAGE_CLASSES = ['marketing', 'transactional', 'conversational', 'compliance'] as const;

export interface MonitoringProps {
  readonly config: DeploymentConfig;
  readonly encryptionKey: kms.IKey;
  readonly functions: Record<FunctionId, lambda.IFunction>;
  /** The catalog's flows and the flows written as data, by id. */
  readonly stateMachines: Readonly<Record<string, sfn.IStateMachine>>;
  /** Every dead-letter queue and on-failure destination, by a readable name. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  readonly api: apigateway.RestApi;
  /**
   * Opt-outs per 100 texts sent in one hour that raise the opt-out alarm.
   * @default 3
   */
  readonly optOutRatePercent?: number;
  /**
   * Texts sent in the hour below which the opt-out rate is not evaluated.
   * @default 100
   */
  readonly optOutRateMinimumSends?: number;
  /**
   * Share of `monthlySpendLimitUsd` that raises the spend alarm.
   * @default 0.8
   */
  readonly spendAlarmRatio?: number;
}

export class Monitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    const stage = config.stage;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Optline ${stage} alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    const notify = new actions.SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, options: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, options);
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    const queueDepths: cloudwatch.IMetric[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      });
      queueDepths.push(depth.with({ label: name }));
      alarm(`${name}NotEmpty`, {
        alarmDescription: `Optline ${stage}: ${name} holds messages that failed; inspect them and redrive.`,
        metric: depth,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const errors: cloudwatch.IMetric[] = [];
    const durations: cloudwatch.IMetric[] = [];
    for (const [functionId, fn] of Object.entries(props.functions) as [FunctionId, lambda.IFunction][]) {
      const metric = fn.metricErrors({ period: Duration.minutes(5) });
      errors.push(metric.with({ label: functionId }));
      durations.push(fn.metricDuration({ statistic: cloudwatch.Stats.p(99), label: functionId }));
      alarm(`${pascal(functionId)}Errors`, {
        alarmDescription: `Optline ${stage}: the ${functionId} function failed.`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const executions: cloudwatch.IMetric[] = [];
    for (const [machineId, machine] of Object.entries(props.stateMachines)) {
      const failed = machine.metricFailed({ period: Duration.minutes(5) });
      executions.push(
        machine.metricStarted({ period: Duration.minutes(5), label: `${machineId} started` }),
        machine.metricSucceeded({ period: Duration.minutes(5), label: `${machineId} succeeded` }),
        failed.with({ label: `${machineId} failed` }),
      );
      alarm(`${pascal(machineId)}ExecutionsFailed`, {
        alarmDescription: `Optline ${stage}: an execution of the ${machineId} flow failed.`,
        metric: failed,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const spendThreshold = config.monthlySpendLimitUsd * (props.spendAlarmRatio ?? 0.8);
    const spendMetrics = (config.origination.mms ? ['TextMessage', 'MediaMessage'] : ['TextMessage']).map(
      (channel) =>
        new cloudwatch.Metric({
          namespace: 'AWS/SMSVoice',
          metricName: `${channel}MonthlySpend`,
          // A month-to-date running total: the maximum is the amount spent so far.
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.hours(1),
        }),
    );
    for (const spend of spendMetrics) {
      alarm(`${spend.metricName}Alarm`, {
        alarmDescription: `Optline ${stage}: End User Messaging ${spend.metricName} reached ${spendThreshold} USD of the ${config.monthlySpendLimitUsd} USD monthly limit.`,
        metric: spend,
        threshold: spendThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const hour = Duration.hours(1);
    const optOuts = optlineMetric('OptOuts', hour);
    const sentByClass = Object.fromEntries(
      MESSAGE_CLASSES.map((messageClass) => [
        `sent_${messageClass}`,
        optlineMetric('MessagesSent', hour, { MessageClass: messageClass }),
      ]),
    );
    const sent = new cloudwatch.MathExpression({
      expression: Object.keys(sentByClass)
        .map((metricId) => `FILL(${metricId}, 0)`)
        .join(' + '),
      usingMetrics: sentByClass,
      period: hour,
      label: 'Texts sent',
    });
    const minimumSends = props.optOutRateMinimumSends ?? 100;
    const optOutRate = new cloudwatch.MathExpression({
      expression: `IF(sent >= ${minimumSends}, 100 * FILL(optOuts, 0) / sent, 0)`,
      usingMetrics: { sent, optOuts },
      period: hour,
      label: 'Opt-out rate (% of texts sent)',
    });
    // A revocation taken by a call or an email must be recorded promptly (FCC: within 10 business days).
    const recordingLimitMinutes = config.compliance.optOutRecordingLimitMinutes;
    alarm('OptOutRecordingSlow', {
      alarmDescription: `Optline ${stage}: a revocation received outside SMS was recorded more than ${recordingLimitMinutes} minutes after it was received (POST /v1/opt-outs). Record revocations as they come in.`,
      metric: optlineMetric('OptOutRecordingSeconds', Duration.minutes(5)).with({
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: recordingLimitMinutes * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const optOutRatePercent = props.optOutRatePercent ?? 3;
    alarm('OptOutRateSpike', {
      alarmDescription: `Optline ${stage}: more than ${optOutRatePercent} opt-outs per 100 texts sent in an hour (at least ${minimumSends} sent). Check the last campaign or flow.`,
      metric: optOutRate,
      threshold: optOutRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const fiveMinutes = Duration.minutes(5);
    const insights = (metricName: string, groupBy: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SELECT SUM(${metricName}) FROM ${METRIC_NAMESPACE} GROUP BY ${groupBy}`,
        usingMetrics: {},
        period: fiveMinutes,
        label,
      });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboard names are unique per account across regions.
      dashboardName: `Optline-${stage}-${Stack.of(this).region}`,
      defaultInterval: Duration.days(1),
    });
    const wide = { width: 12, height: 6 } as const;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# Optline ${stage}\nTexts, consent and the machinery behind them. Alarms notify the \`AlarmTopicArn\` topic.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'Texts sent by message class',
        left: [insights('MessagesSent', 'MessageClass', 'Sent')],
        stacked: true,
      }),
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'Texts skipped by reason',
        left: [insights('MessagesSkipped', 'Reason', 'Skipped')],
        stacked: true,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'Delivery reports',
        left: [
          optlineMetric('MessagesDelivered', fiveMinutes, {}, 'Delivered'),
          optlineMetric('MessagesFailed', fiveMinutes, {}, 'Failed'),
        ],
      }),
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'Opt-outs and opt-out rate',
        left: [optlineMetric('OptOuts', hour, {}, 'Opt-outs per hour')],
        right: [optOutRate],
        rightAnnotations: [{ value: optOutRatePercent, label: 'Alarm', color: cloudwatch.Color.RED }],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'Keyword hits',
        left: [insights('KeywordHits', 'Keyword', 'Hits')],
        stacked: true,
      }),
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'Inbound texts',
        left: [optlineMetric('InboundMessages', fiveMinutes, {}, 'Inbound')],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ ...wide, title: 'Dead-letter queue depth', left: queueDepths }),
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'End User Messaging spend this month (USD)',
        left: spendMetrics.map((m) => m.with({ label: `${m.metricName} (USD)` })),
        leftAnnotations: [
          { value: config.monthlySpendLimitUsd, label: 'Monthly limit', color: cloudwatch.Color.RED },
          { value: spendThreshold, label: 'Alarm', color: cloudwatch.Color.ORANGE },
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ ...wide, title: 'Lambda errors', left: errors }),
      new cloudwatch.GraphWidget({ ...wide, title: 'Lambda duration (p99)', left: durations }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ ...wide, title: 'Flow executions', left: executions }),
      new cloudwatch.GraphWidget({
        ...wide,
        title: 'API requests: 4xx, 5xx and latency',
        left: [
          props.api.metricClientError({ period: fiveMinutes, label: '4xx' }),
          props.api.metricServerError({ period: fiveMinutes, label: '5xx' }),
        ],
        right: [
          props.api.metricLatency({
            period: fiveMinutes,
            statistic: cloudwatch.Stats.p(99),
            label: 'p99 latency',
          }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
  }
}

function optlineMetric(
  metricName: string,
  period: Duration,
  dimensions: Record<string, string> = {},
  label?: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { ...METRIC_DIMENSIONS, ...dimensions },
    statistic: cloudwatch.Stats.SUM,
    period,
    label,
  });
}
