/**
 * A number's message history as support reads it, newest first, a page at a time
 * (docs/api.md#profiles): the query's `limit` and opaque `cursor`, and each message's view. The
 * cursor is base64url of the position it stands for, bound to the number it was given for.
 */
import { ValidationError } from './errors';

export const HISTORY_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/** Where a page ends: the last message's index keys (the `byPhone` index sorts by `at`). */
export interface HistoryPosition {
  readonly at: string;
  readonly messageId: string;
}

export interface HistoryQuery {
  readonly limit: number;
  readonly after?: HistoryPosition;
}

/** `limit` and `cursor` from the query string; a bad one is a 400 naming it. */
export function parseHistoryQuery(phone: string, query: Readonly<Record<string, string>>): HistoryQuery {
  const limit = parseLimit(query.limit);
  const cursor = query.cursor;
  return cursor === undefined ? { limit } : { limit, after: parseCursor(phone, cursor) };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return HISTORY_PAGE.defaultLimit;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= HISTORY_PAGE.maxLimit)) {
    throw new ValidationError(`limit: must be a whole number from 1 to ${HISTORY_PAGE.maxLimit}`, 'limit');
  }
  return limit;
}

/** The cursor that continues after `position`, for `phone`'s history. */
export function historyCursor(phone: string, position: HistoryPosition): string {
  return Buffer.from(JSON.stringify({ p: phone, a: position.at, m: position.messageId })).toString(
    'base64url',
  );
}

function parseCursor(phone: string, cursor: string): HistoryPosition {
  const refuse = () =>
    new ValidationError('cursor: is not a cursor this route gave for this number', 'cursor');
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(cursor)) throw refuse();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const { p, a, m } = (decoded ?? {}) as Record<string, unknown>;
  if (p !== phone || typeof a !== 'string' || Number.isNaN(Date.parse(a))) throw refuse();
  if (typeof m !== 'string' || m.length === 0 || m.length > 1024) throw refuse();
  return { at: a, messageId: m };
}

/** A stored message as the history shows it (every key present, null where it does not apply). */
export function messageHistoryView(record: {
  readonly messageId: string;
  readonly at: string;
  readonly direction: string;
  readonly status: string;
  readonly body: string;
  readonly messageClass?: string;
  readonly reason?: string;
  readonly campaignId?: string;
  readonly variant?: string;
  readonly flowId?: string;
  readonly inReplyTo?: string;
  readonly awsMessageId?: string;
  readonly segments?: number;
}) {
  return {
    messageId: record.messageId,
    at: record.at,
    direction: record.direction,
    status: record.status,
    reason: record.reason ?? null,
    messageClass: record.messageClass ?? null,
    campaignId: record.campaignId ?? null,
    variant: record.variant ?? null,
    flowId: record.flowId ?? null,
    inReplyTo: record.inReplyTo ?? null,
    body: record.body,
    segments: record.segments ?? null,
    awsMessageId: record.awsMessageId ?? null,
  };
}
