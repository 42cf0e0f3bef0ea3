/**
 * Webhooks in the local runtime: the same rules the stack creates (lib/webhooks.ts), delivered over
 * HTTP by the EventBridge emulator with the connection's header and EventBridge's retry policy on
 * the virtual clock. Secrets come from `OPTLINE_WEBHOOK_SECRETS` (`{"<secretName>":"<value>"}`), or
 * are generated at start and printed. Deliveries and failures are listed at `GET /_local/webhooks`.
 */
import { randomBytes } from 'node:crypto';
import { EVENT_SOURCE } from '../lib/catalog';
import type { Webhook } from '../lib/config';
import {
  helpdeskPayload,
  WEBHOOK_RETRY,
  WEBHOOK_SECRET_HEADER,
  WEBHOOK_TIMEOUT_SECONDS,
  webhookRoutes,
} from '../lib/webhooks';
import type { BusEvent, LocalRule } from './aws/eventbridge';

/** A delivery that failed: retried when EventBridge would retry it (RETRIED_STATUSES, no answer in time). */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface WebhookDelivery {
  readonly rule: string;
  readonly url: string;
  readonly detailType: string;
  readonly eventId: string;
  status: 'retrying' | 'delivered' | 'failed';
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
}

/**
 * The statuses EventBridge retries besides a 5xx: 401 (the connection's secret and the receiver's
 * may just disagree during a rotation), 407, 409 and 429. Any other 4xx goes to the dead-letter
 * queue at once (docs/conversations.md#webhooks).
 */
const RETRIED_STATUSES = new Set([401, 407, 409, 429]);

/** Deliveries kept for `GET /_local/webhooks` (the oldest are dropped). */
const KEPT = 500;

export class LocalWebhooks {
  readonly deliveries: WebhookDelivery[] = [];
  /** Per webhook, the real time (ms) its next delivery may start: the destination's rate limit. */
  private readonly nextSlot = new Map<number, number>();

  constructor(
    readonly webhooks: readonly Webhook[],
    readonly secrets: Readonly<Record<string, string>>,
    /** Secret names whose value was generated at start (printed by `npm start`). */
    readonly generated: readonly string[],
    private readonly now: () => Date,
  ) {}

  /** The secrets of the configured webhooks: given ones, else a generated value (and its name). */
  static secretsFor(
    webhooks: readonly Webhook[],
    given: Readonly<Record<string, string>>,
  ): { secrets: Record<string, string>; generated: string[] } {
    const secrets: Record<string, string> = {};
    const generated: string[] = [];
    for (const { secretName } of webhooks) {
      if (secrets[secretName] !== undefined) continue;
      const value = given[secretName];
      if (value !== undefined) secrets[secretName] = value;
      else {
        secrets[secretName] = randomBytes(24).toString('base64url');
        generated.push(secretName);
      }
    }
    return { secrets, generated };
  }

  /** The bus rules of every webhook, as the stack creates them; `apiBase` is the API's URL. */
  rules(apiBase: () => string): LocalRule[] {
    return this.webhooks.flatMap((webhook, index) =>
      webhookRoutes(webhook).map((route) => {
        const name = `webhook-${index}-${route.id}`;
        const deliveryOf = (event: BusEvent) => this.record(name, webhook.url, event);
        return {
          name,
          source: EVENT_SOURCE,
          detailTypes: route.detailTypes,
          retry: {
            maxAttempts: WEBHOOK_RETRY.retryAttempts + 1,
            maxEventAgeMs: WEBHOOK_RETRY.maxEventAgeHours * 3_600_000,
            retryable: (error: unknown) => !(error instanceof WebhookDeliveryError) || error.retryable,
          },
          deliver: async (event: BusEvent) => {
            await this.pace(index, webhook.rateLimitPerSecond);
            const delivery = deliveryOf(event);
            delivery.attempts += 1;
            delivery.lastAttemptAt = this.now().toISOString();
            const payload = route.shape
              ? helpdeskPayload(route.shape, (path) => valueAt(event, path), apiBase())
              : event;
            try {
              await post(webhook.url, this.secrets[webhook.secretName] ?? '', payload);
              delivery.status = 'delivered';
              delete delivery.lastError;
            } catch (error) {
              delivery.lastError = (error as Error).message;
              throw error;
            }
          },
          onGiveUp: (event: BusEvent) => {
            deliveryOf(event).status = 'failed';
          },
        };
      }),
    );
  }

  /**
   * Waits for the webhook's next slot, as an API destination holds deliveries above its
   * `rateLimitPerSecond` (in real seconds: it protects the receiver, whatever the virtual clock).
   */
  private async pace(index: number, perSecond: number): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(index) ?? 0);
    this.nextSlot.set(index, slot + 1000 / perSecond);
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  private record(rule: string, url: string, event: BusEvent): WebhookDelivery {
    const eventId = String(event.detail.eventId ?? event.id);
    let delivery = this.deliveries.find(
      (d) => d.rule === rule && d.eventId === eventId && d.detailType === event['detail-type'],
    );
    if (!delivery) {
      delivery = { rule, url, detailType: event['detail-type'], eventId, status: 'retrying', attempts: 0 };
      this.deliveries.push(delivery);
      if (this.deliveries.length > KEPT) this.deliveries.shift();
    }
    return delivery;
  }
}

/** POSTs as an API destination does: JSON, the secret header, an answer within 5 seconds. */
async function post(url: string, secret: string, payload: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: secret },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_SECONDS * 1000),
    });
    await response.arrayBuffer();
  } catch (error) {
    throw new WebhookDeliveryError(`no answer: ${(error as Error).message}`, true);
  }
  if (response.ok) return;
  throw new WebhookDeliveryError(
    `HTTP ${response.status}`,
    RETRIED_STATUSES.has(response.status) || response.status >= 500,
  );
}

/** The value at a JSONPath such as `$.detail.phone` (the input transformer's paths). */
function valueAt(event: BusEvent, path: string): unknown {
  let value: unknown = event;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value ?? null;
}
