/**
 * Webhooks through EventBridge's own delivery: for each configured webhook a connection (API-key
 * authorization: the header `X-Optline-Webhook-Secret` with the value of the named Secrets Manager
 * secret), an API destination (the URL, a rate limit) and rules on the `optline` bus whose targets
 * retry for 24 hours and then leave the event in the webhooks' dead-letter queue. The payloads are
 * lib/webhooks.ts's, shared with the local runtime. See docs/conversations.md#webhooks.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../catalog';
import { ConfigError, type Webhook } from '../config';
import { helpdeskPayload, WEBHOOK_RETRY, WEBHOOK_SECRET_HEADER, webhookRoutes } from '../webhooks';
import { deadLetterQueue } from './dead-letter-queue';

export interface WebhooksProps {
  readonly webhooks: readonly Webhook[];
  readonly bus: events.IEventBus;
  readonly encryptionKey: kms.IKey;
  /** The API's base URL (no trailing slash): help-desk payloads link back to the conversation. */
  readonly apiBase: string;
  /**
   * Keep the dead-letter queue (and what is in it) when the stack is deleted.
   * @default true
   */
  readonly retain?: boolean;
}

export class Webhooks extends Construct {
  /** Deliveries EventBridge gave up on (24 hours of retries, or a 4xx other than 429). */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly connections: events.Connection[] = [];
  public readonly destinations: events.ApiDestination[] = [];
  public readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'Dlq', {
      encryptionKey: props.encryptionKey,
      retain: props.retain,
    });
    props.webhooks.forEach((webhook, index) => {
      // In AWS every delivery crosses the internet: HTTPS only (the schema lets loopback HTTP
      // through for the local runtime).
      if (!webhook.url.startsWith('https://'))
        throw new ConfigError(`optline.webhooks.${index}.url`, 'must be an https:// URL to deploy');
      const secret = secretsmanager.Secret.fromSecretNameV2(this, `Secret${index}`, webhook.secretName);
      const connection = new events.Connection(this, `Connection${index}`, {
        description: `Optline webhook ${index}: ${webhook.url}`,
        authorization: events.Authorization.apiKey(WEBHOOK_SECRET_HEADER, secret.secretValue),
      });
      const destination = new events.ApiDestination(this, `Destination${index}`, {
        description: `Optline webhook ${index}`,
        connection,
        endpoint: webhook.url,
        httpMethod: events.HttpMethod.POST,
        rateLimitPerSecond: webhook.rateLimitPerSecond,
      });
      this.connections.push(connection);
      this.destinations.push(destination);
      for (const route of webhookRoutes(webhook)) {
        const rule = new events.Rule(this, `Webhook${index}${route.id}Rule`, {
          eventBus: props.bus,
          description: `Optline webhook ${index}: ${route.detailTypes.join(', ')}`,
          eventPattern: { source: [EVENT_SOURCE], detailType: [...route.detailTypes] },
          targets: [
            new targets.ApiDestination(destination, {
              deadLetterQueue: this.deadLetterQueue,
              retryAttempts: WEBHOOK_RETRY.retryAttempts,
              maxEventAge: Duration.hours(WEBHOOK_RETRY.maxEventAgeHours),
              ...(route.shape
                ? {
                    event: events.RuleTargetInput.fromObject(
                      helpdeskPayload(route.shape, (path) => events.EventField.fromPath(path), props.apiBase),
                    ),
                  }
                : {}),
            }),
          ],
        });
        this.rules.push(rule);
      }
    });
  }
}
