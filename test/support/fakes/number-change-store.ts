/**
 * An in-memory NumberChangeStore for service tests; test/adapters/store-contracts.test.ts holds it
 * to the DynamoDB store's behaviour.
 */
import type {
  CurrentIdentity,
  NumberChange,
  NumberChangeStore,
} from '../../../lambdas/domain/stores/number-change';

export class InMemoryNumberChangeStore implements NumberChangeStore {
  readonly changes = new Map<string, NumberChange>();
  private currentIdentity: CurrentIdentity | undefined;

  async put(change: NumberChange): Promise<void> {
    this.changes.set(change.changeId, structuredClone(change));
  }

  async get(changeId: string): Promise<NumberChange | undefined> {
    const change = this.changes.get(changeId);
    return change && structuredClone(change);
  }

  async markSwitched(changeId: string, at: string): Promise<void> {
    const change = this.changes.get(changeId);
    if (!change) throw new Error(`no number change ${changeId}`);
    // The first switch time stays: a repeated switch changes nothing.
    this.changes.set(changeId, { ...change, state: 'switched', switchedAt: change.switchedAt ?? at });
  }

  async current(): Promise<CurrentIdentity | undefined> {
    return this.currentIdentity && structuredClone(this.currentIdentity);
  }

  async setCurrent(current: CurrentIdentity): Promise<void> {
    this.currentIdentity = structuredClone(current);
  }
}
