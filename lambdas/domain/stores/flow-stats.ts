/**
 * The store of flows' counters (flow-stats.ts): one item of counters per flow, and the claims that
 * make a count happen once. Implemented by lambdas/adapters/flow-stats-store.ts.
 */
export interface FlowStatsStore {
  /** Adds to the flow's counters, each created at 0. */
  add(flowId: string, delta: Readonly<Record<string, number>>): Promise<void>;
  /**
   * Claims `key` for the flow: true the first time, false ever after (until `expiresAt`, seconds
   * since the epoch). A count made only after its claim is made at most once under redelivery.
   */
  claim(flowId: string, key: string, expiresAt: number): Promise<boolean>;
  /** The flow's counters by key; empty for a flow that counted nothing yet. */
  get(flowId: string): Promise<Record<string, number>>;
}
