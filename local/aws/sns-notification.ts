/** The event SNS hands a subscribed Lambda function for one published message, as the local topics publish it. */
import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

export interface SnsNotification {
  readonly topicName: string;
  /** The published message: SNS carries it as a JSON string. */
  readonly message: unknown;
  /** ISO-8601 publish time. */
  readonly at: string;
  readonly region: string;
  readonly account: string;
}

export function snsNotificationEvent({ topicName, message, at, region, account }: SnsNotification): SNSEvent {
  const topicArn = `arn:aws:sns:${region}:${account}:${topicName}`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: at,
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: `https://sns.${region}.amazonaws.com/local.pem`,
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
