/** An in-memory ActivityStore for service tests; test/adapters/store-contracts.test.ts holds it to the DynamoDB store's behaviour. */
import type { ActivityRecord, ActivityStore } from '../../../lambdas/domain/stores/activity';

export class InMemoryActivityStore implements ActivityStore {
  readonly records = new Map<string, ActivityRecord>();

  async putIfAbsent(record: ActivityRecord): Promise<{ created: boolean; record: ActivityRecord }> {
    const key = `${record.phone}#${record.activityKey}`;
    const held = this.records.get(key);
    if (held) return { created: false, record: structuredClone(held) };
    this.records.set(key, structuredClone(record));
    return { created: true, record };
  }

  async markAggregated(phone: string, activityKey: string): Promise<void> {
    const key = `${phone}#${activityKey}`;
    const held = this.records.get(key);
    if (held) this.records.set(key, { ...held, aggregated: true });
  }

  async listSince(phone: string, prefix: string, sinceIso: string): Promise<ActivityRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.phone === phone && r.activityKey.startsWith(prefix) && r.at >= sinceIso)
      .map((r) => structuredClone(r))
      .sort((a, b) => b.at.localeCompare(a.at));
  }
}
