/**
 * A transactional text to one number (order update, shipping notice) through `send()`: refused with a
 * clear error when the number opted out or never gave transactional consent.
 */
import { ConsentRequiredError } from '../domain/errors';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import { send, type SendDeps } from './send';

export interface TransactionalRequest {
  readonly phone: string;
  readonly body: string;
  /** The caller's key: the same key never texts twice. */
  readonly idempotencyKey: string;
  readonly mediaUrls?: readonly string[];
}

export async function sendTransactional(
  deps: SendDeps & { phonePolicy: PhonePolicy },
  request: TransactionalRequest,
) {
  const phone = normalisePhone(request.phone, deps.phonePolicy).e164;
  const result = await send(deps, {
    to: phone,
    body: request.body,
    messageClass: 'transactional',
    idempotencyKey: `api#${request.idempotencyKey}`,
    mediaUrls: request.mediaUrls,
  });
  switch (result.status) {
    case 'sent':
      return { messageId: result.messageId, status: 'sent', body: result.body } as const;
    case 'duplicate':
      return { messageId: result.messageId, status: 'duplicate' } as const;
    case 'deferred':
      // Only marketing is deferred by quiet hours; kept for completeness of the result type.
      return { messageId: result.messageId, status: 'deferred', until: result.until } as const;
    case 'skipped':
      throw new ConsentRequiredError(
        result.reason === 'opted_out' || result.reason === 'opt_out_list'
          ? `${phone} opted out of all texts`
          : `${phone} has not given transactional consent`,
        'phone',
      );
  }
}
