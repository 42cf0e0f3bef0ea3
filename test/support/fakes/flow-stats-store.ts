/** An in-memory FlowStatsStore for service tests; test/adapters/store-contracts.test.ts holds it to the DynamoDB store's behaviour. */
import type { FlowStatsStore } from '../../../lambdas/domain/stores/flow-stats';

export class InMemoryFlowStatsStore implements FlowStatsStore {
  readonly counters = new Map<string, Record<string, number>>();
  readonly claims = new Set<string>();

  async add(flowId: string, delta: Readonly<Record<string, number>>): Promise<void> {
    const counters = this.counters.get(flowId) ?? {};
    for (const [key, value] of Object.entries(delta))
      if (value !== 0) counters[key] = (counters[key] ?? 0) + value;
    this.counters.set(flowId, counters);
  }

  async claim(flowId: string, key: string): Promise<boolean> {
    const id = `${flowId}#${key}`;
    if (this.claims.has(id)) return false;
    this.claims.add(id);
    return true;
  }

  async get(flowId: string): Promise<Record<string, number>> {
    return { ...(this.counters.get(flowId) ?? {}) };
  }
}
