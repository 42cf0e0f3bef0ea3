/**
 * What a webhook delivers, shared by the stack (EventBridge rules with API destinations,
 * lib/constructs/webhooks.ts) and the local runtime (local/webhooks.ts), so both send the same
 * payloads with the same header. Plain data and functions: no CDK imports.
 *
 * API destinations cannot sign a request, so each delivery carries the secret itself in the
 * connection's API-key header; a receiver compares it with its copy (docs/conversations.md#webhooks).
 */
import type { DomainEventType } from '../lambdas/domain/events';
import type { Webhook } from './config';

/** The header of the connection's API-key authorization: the secret's value, on every delivery. */
export const WEBHOOK_SECRET_HEADER = 'X-Optline-Webhook-Secret';

/** EventBridge gives an API destination this long to answer; a slower answer is a failed attempt. */
export const WEBHOOK_TIMEOUT_SECONDS = 5;

/** EventBridge's retry policy of the webhook rules' targets: attempts and event age. */
export const WEBHOOK_RETRY = { retryAttempts: 185, maxEventAgeHours: 24 } as const;

/** The two help-desk shapes: a message to add to the phone's ticket, and the ticket's close. */
export type HelpdeskShape = 'helpdeskMessage' | 'helpdeskClosed';

/** One rule of a webhook: the detail types it matches and the payload it sends (the event itself when none). */
export interface WebhookRoute {
  /** Suffix of the rule's name: `events`, `messages`, `closes`. */
  readonly id: string;
  readonly detailTypes: readonly DomainEventType[];
  readonly shape?: HelpdeskShape;
}

/**
 * The rules of a webhook. `event` format: one rule, the event as published. `helpdesk` format:
 * conversation messages and closes as tickets (one rule each), any other type as published.
 */
export function webhookRoutes(webhook: Pick<Webhook, 'events' | 'format'>): WebhookRoute[] {
  if (webhook.format !== 'helpdesk') return [{ id: 'events', detailTypes: webhook.events }];
  const routes: WebhookRoute[] = [];
  if (webhook.events.includes('ConversationMessage'))
    routes.push({ id: 'messages', detailTypes: ['ConversationMessage'], shape: 'helpdeskMessage' });
  if (webhook.events.includes('ConversationClosed'))
    routes.push({ id: 'closes', detailTypes: ['ConversationClosed'], shape: 'helpdeskClosed' });
  const others = webhook.events.filter(
    (type) => type !== 'ConversationMessage' && type !== 'ConversationClosed',
  );
  if (others.length > 0) routes.push({ id: 'events', detailTypes: others });
  return routes;
}

/**
 * A help-desk payload: one ticket per phone (`externalId`), its subject and requester, the new
 * message or the close, and a link back to the conversation in the API. `field` reads a path of
 * the event: an EventBridge input-transformer field in the stack, the value itself locally.
 */
export function helpdeskPayload<T>(
  shape: HelpdeskShape,
  field: (path: string) => T,
  apiBase: string,
): Record<string, unknown> {
  const phone = field('$.detail.phone');
  const ticket = {
    externalId: `optline-${String(phone)}`,
    subject: `Text conversation with ${String(phone)}`,
    requester: { phone },
    link: `${apiBase}${String(field('$.detail.conversation.path'))}`,
  };
  if (shape === 'helpdeskClosed')
    return {
      ...ticket,
      status: 'closed',
      closedBy: field('$.detail.closedBy'),
      closedAt: field('$.detail.closedAt'),
      agent: field('$.detail.agent'),
      eventId: field('$.detail.eventId'),
    };
  return {
    ...ticket,
    status: 'open',
    message: {
      id: field('$.detail.messageId'),
      direction: field('$.detail.direction'),
      body: field('$.detail.body'),
      at: field('$.detail.at'),
      agent: field('$.detail.agent'),
      mediaUrls: field('$.detail.mediaUrls'),
    },
    eventId: field('$.detail.eventId'),
  };
}
