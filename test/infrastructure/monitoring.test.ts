/** Alarms, the alarm topic and the program dashboard. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushMetrics } from '../../lambdas/adapters/metrics';
import { countMetric } from '../../lambdas/domain/metric-counts';
import { functions } from '../../lib/catalog';
import { parseDeploymentConfig } from '../../lib/config';
import { MESSAGE_CLASSES, METRIC_DIMENSIONS, METRIC_NAMESPACE } from '../../lib/constructs/monitoring';
import { resourcesOfType, sharedSynthesis, synthesize, TEST_CONFIG } from '../support/template';

type Alarm = {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions: unknown[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: {
      Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] };
    };
  }[];
};

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

describe('alarms', () => {
  let template: Template;
  let alarms: Alarm[];
  let topicId: string;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as Alarm);
    const [[id] = []] = resourcesOfType(template, 'AWS::SNS::Topic').filter(([topic]) =>
      topic.startsWith('MonitoringAlarmTopic'),
    );
    topicId = id as string;
  }, 300_000);

  const dimension = (alarm: Alarm, name: string) => alarm.Dimensions?.find((d) => d.Name === name)?.Value;

  it('notifies one encrypted topic, whose ARN is a stack output', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    expect(topicId).toBeDefined();
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('alarms as soon as any dead-letter queue holds a message', () => {
    const queues = resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => id);
    const json = JSON.stringify(template.toJSON());
    const deadLetter = queues.filter(
      (id) =>
        json.includes(`"deadLetterTargetArn":{"Fn::GetAtt":["${id}","Arn"]}`) ||
        json.includes(`"DeadLetterConfig":{"Arn":{"Fn::GetAtt":["${id}","Arn"]}}`) ||
        json.includes(`"Destination":{"Fn::GetAtt":["${id}","Arn"]}`),
    );
    expect(deadLetter.length).toBeGreaterThanOrEqual(9);
    for (const id of deadLetter) {
      const alarm = alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(dimension(a, 'QueueName')) === JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] }),
      );
      expect(alarm, id).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('alarms on errors of every function', () => {
    for (const functionId of Object.keys(functions)) {
      const alarm = alarms.find(
        (a) =>
          a.Namespace === 'AWS/Lambda' &&
          a.MetricName === 'Errors' &&
          new RegExp(`^Functions${pascal(functionId)}[0-9A-F]{8}$`).test(
            (dimension(a, 'FunctionName') as { Ref?: string } | undefined)?.Ref ?? '',
          ),
      );
      expect(alarm, functionId).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Sum',
      });
    }
  });

  it('alarms on failed executions of every flow, those written as data too', () => {
    const logicalIds = parseDeploymentConfig(TEST_CONFIG)
      .program.flows.definitions.filter((d) => d.enabled)
      .map((d) => `FlowsFlow${pascal(d.id)}`);
    expect(logicalIds).toEqual(expect.arrayContaining(['FlowsFlowWelcome', 'FlowsFlowBrowseAbandonment']));
    for (const machineId of logicalIds) {
      const alarm = alarms.find(
        (a) =>
          a.Namespace === 'AWS/States' &&
          a.MetricName === 'ExecutionsFailed' &&
          ((dimension(a, 'StateMachineArn') as { Ref?: string } | undefined)?.Ref ?? '').startsWith(
            machineId,
          ),
      );
      expect(alarm, machineId).toMatchObject({ Threshold: 1 });
    }
  });

  it('alarms when End User Messaging spend reaches 80% of the monthly limit', () => {
    const spend = alarms.filter((a) => a.Namespace === 'AWS/SMSVoice');
    expect(spend).toEqual([
      expect.objectContaining({
        MetricName: 'TextMessageMonthlySpend',
        Statistic: 'Maximum',
        Threshold: 80,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  it('alarms when a revocation from another channel is recorded more than an hour after its receipt', () => {
    const slow = alarms.filter((a) => a.MetricName === 'OptOutRecordingSeconds');
    expect(slow).toEqual([
      expect.objectContaining({
        Namespace: METRIC_NAMESPACE,
        Statistic: 'Maximum',
        Threshold: 3600,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
      }),
    ]);
  });

  /**
   * The next two tests read a stack whose config sets both the recording limit and the spend limit
   * with MMS: one synthesis, each test reading only the alarms its setting makes (nag's report is
   * nag.test.ts's business).
   */
  let custom: Template | undefined;
  const customized = (): Template =>
    (custom ??= synthesize(
      {
        ...TEST_CONFIG,
        stage: 'dev',
        compliance: { optOutRecordingLimitMinutes: 15 },
        monthlySpendLimitUsd: 250,
        origination: { kind: 'provision', mms: true },
      },
      { checks: false },
    ).template);

  it('takes the recording limit from compliance.optOutRecordingLimitMinutes', () => {
    const slow = resourcesOfType(customized(), 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties as Alarm)
      .filter((a) => a.MetricName === 'OptOutRecordingSeconds');
    expect(slow.map((a) => a.Threshold)).toEqual([900]);
  }, 120_000);

  it('takes the spend threshold from monthlySpendLimitUsd, and watches MMS spend with MMS', () => {
    const spend = resourcesOfType(customized(), 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties as Alarm)
      .filter((a) => a.Namespace === 'AWS/SMSVoice')
      .map((a) => [a.MetricName, a.Threshold]);
    expect(spend).toEqual([
      ['TextMessageMonthlySpend', 200],
      ['MediaMessageMonthlySpend', 200],
    ]);
  }, 120_000);

  it('alarms on an opt-out spike: OptOuts / MessagesSent over an hour', () => {
    const spike = alarms.find((a) => a.Metrics?.some((m) => m.Expression?.includes('optOuts')));
    expect(spike).toBeDefined();
    const stats = (spike?.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(stats.map((m) => m.MetricName).sort()).toEqual(
      ['OptOuts', ...MESSAGE_CLASSES.map(() => 'MessagesSent')].sort(),
    );
    for (const metric of stats) expect(metric.Namespace).toBe(METRIC_NAMESPACE);
    const classes = stats
      .filter((m) => m.MetricName === 'MessagesSent')
      .map((m) => m.Dimensions?.find((d) => d.Name === 'MessageClass')?.Value);
    expect(classes.sort()).toEqual([...MESSAGE_CLASSES].sort());
    expect(spike).toMatchObject({ Threshold: 3, ComparisonOperator: 'GreaterThanThreshold' });
    const returned = spike?.Metrics?.find((m) => (m as { ReturnData?: boolean }).ReturnData !== false);
    expect(returned?.Expression).toMatch(/^IF\(sent >= 100, 100 \* FILL\(optOuts, 0\) \/ sent, 0\)$/);
  });
});

describe('the metrics the Lambdas emit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are the ones the alarms and the dashboard address (namespace and dimension sets)', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    countMetric('OptOuts');
    countMetric('MessagesSent', ['MessageClass', 'marketing']);
    flushMetrics();
    vi.restoreAllMocks();
    const records = lines
      .filter((line) => line.includes('"_aws"'))
      .map(
        (line) =>
          JSON.parse(line) as Record<string, unknown> & {
            _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
          },
      );
    const optOuts = records.find((r) => 'OptOuts' in r);
    const sent = records.find((r) => 'MessagesSent' in r);
    expect(optOuts?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      Dimensions: [Object.keys(METRIC_DIMENSIONS)],
    });
    expect(sent?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      [...Object.keys(METRIC_DIMENSIONS), 'MessageClass'],
    ]);
    for (const [name, value] of Object.entries(METRIC_DIMENSIONS)) {
      expect(optOuts?.[name]).toBe(value);
      expect(sent?.[name]).toBe(value);
    }
  });
});

describe('dashboard', () => {
  let template: Template;
  let body: string;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    const [[, dashboard] = []] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');
    body = JSON.stringify(dashboard?.Properties?.DashboardBody);
  }, 300_000);

  it.each([
    ['sends by message class', 'SELECT SUM(MessagesSent) FROM Optline GROUP BY MessageClass'],
    ['skips by reason', 'SELECT SUM(MessagesSkipped) FROM Optline GROUP BY Reason'],
    ['deliveries', 'MessagesDelivered'],
    ['failures', 'MessagesFailed'],
    ['opt-outs', 'OptOuts'],
    ['opt-out rate', 'IF(sent >= 100, 100 * FILL(optOuts, 0) / sent, 0)'],
    ['keyword hits', 'SELECT SUM(KeywordHits) FROM Optline GROUP BY Keyword'],
    ['inbound texts', 'InboundMessages'],
    ['dead-letter queue depth', 'ApproximateNumberOfMessagesVisible'],
    ['Lambda errors', '\\"Errors\\"'],
    ['Lambda durations', '\\"Duration\\"'],
    ['flow executions', 'ExecutionsStarted'],
    ['API 4xx', '4XXError'],
    ['API 5xx', '5XXError'],
    ['API latency', '\\"Latency\\"'],
    ['spend', 'TextMessageMonthlySpend'],
  ])('shows %s', (_what, text) => {
    expect(body).toContain(text);
  });

  it('is named after the stage and region', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Optline-prod-us-east-1' });
  });

  it('publishes metrics through logs only: the functions carry the namespace, not a PutMetricData grant', () => {
    const lambdas = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
      Object.keys(functions).some((f) => new RegExp(`^Functions${pascal(f)}[0-9A-F]{8}$`).test(id)),
    );
    expect(lambdas).toHaveLength(Object.keys(functions).length);
    for (const [id, fn] of lambdas) {
      expect(
        (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables
          .POWERTOOLS_METRICS_NAMESPACE,
        id,
      ).toBe(METRIC_NAMESPACE);
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('cloudwatch:PutMetricData');
  });
});
