/** An in-memory MessageStore for service tests; test/adapters/store-contracts.test.ts holds it to the DynamoDB store's behaviour. */
import type { HistoryPosition } from '../../../lambdas/domain/message-history';
import type { MessageRecord, MessageStatus, MessageStore } from '../../../lambdas/domain/stores/message';

export class InMemoryMessageStore implements MessageStore {
  readonly records = new Map<string, MessageRecord>();

  async putIfAbsent(record: MessageRecord): Promise<boolean> {
    if (this.records.has(record.messageId)) return false;
    this.records.set(record.messageId, structuredClone(record));
    return true;
  }

  async get(messageId: string): Promise<MessageRecord | undefined> {
    const record = this.records.get(messageId);
    return record && structuredClone(record);
  }

  async update(messageId: string, changes: Partial<MessageRecord>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length === 0) return;
    // As the conditional update does: a message that is not there is an error, never created.
    this.records.set(messageId, { ...this.mustGet(messageId), ...defined });
  }

  async markSent(messageId: string, awsMessageId: string): Promise<void> {
    const record = this.mustGet(messageId);
    // The carrier's report may have moved the status on first: keep it, add the id.
    this.records.set(messageId, {
      ...record,
      awsMessageId,
      ...(record.status === 'sending' ? { status: 'sent' as const } : {}),
    });
  }

  async transition(
    messageId: string,
    from: readonly MessageStatus[],
    to: MessageStatus,
    reason?: string,
  ): Promise<MessageRecord | undefined> {
    const record = this.records.get(messageId);
    if (!record || !from.includes(record.status)) return undefined;
    const next = { ...record, status: to, ...(reason ? { reason } : {}) };
    this.records.set(messageId, next);
    return structuredClone(next);
  }

  async releaseClaim(messageId: string): Promise<void> {
    if (this.records.get(messageId)?.status === 'sending') this.records.delete(messageId);
  }

  async reclaim(messageId: string, claimedAt: string, at: string, body: string): Promise<boolean> {
    const record = this.records.get(messageId);
    if (
      !record ||
      record.status !== 'sending' ||
      record.at !== claimedAt ||
      record.awsMessageId !== undefined
    )
      return false;
    this.records.set(messageId, { ...record, at, body, resends: (record.resends ?? 0) + 1 });
    return true;
  }

  async listByPhone(phone: string, limit = 50): Promise<MessageRecord[]> {
    return (await this.pageByPhone(phone, { limit: Math.min(limit, 100) })).messages;
  }

  async pageByPhone(
    phone: string,
    page: { readonly limit: number; readonly after?: HistoryPosition },
  ): Promise<{ messages: MessageRecord[]; next?: HistoryPosition }> {
    // The byPhone index: newest first; after a position, only what sorts below it.
    const newestFirst = [...this.records.values()]
      .filter((record) => record.phone === phone)
      .sort((a, b) => compare(b, a));
    const after = page.after;
    const rest = after ? newestFirst.filter((record) => compare(record, after) < 0) : newestFirst;
    const shown = rest.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      messages: shown.map((record) => structuredClone(record)),
      ...(rest.length > page.limit && last ? { next: { at: last.at, messageId: last.messageId } } : {}),
    };
  }

  private mustGet(messageId: string): MessageRecord {
    const record = this.records.get(messageId);
    if (!record) throw new Error(`no message ${messageId}`);
    return record;
  }
}

function compare(a: HistoryPosition, b: HistoryPosition): number {
  return a.at === b.at ? a.messageId.localeCompare(b.messageId) : a.at < b.at ? -1 : 1;
}
