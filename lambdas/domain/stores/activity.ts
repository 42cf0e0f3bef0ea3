/**
 * Profile activity records (carts, orders, views, clicks) and the store that keeps each once.
 * Implemented by lambdas/adapters/activity-store.ts.
 */
export interface ActivityRecord {
  readonly phone: string;
  readonly activityKey: string;
  readonly type: string;
  readonly at: string;
  readonly detail: Record<string, unknown>;
  readonly aggregated: boolean;
  readonly expiresAt: number;
}

export interface ActivityStore {
  /** Stores the record unless it exists; returns the stored one either way. */
  putIfAbsent(record: ActivityRecord): Promise<{ created: boolean; record: ActivityRecord }>;
  markAggregated(phone: string, activityKey: string): Promise<void>;
  /** Records of one type (key prefix) since a time, newest first. */
  listSince(phone: string, prefix: string, sinceIso: string): Promise<ActivityRecord[]>;
}
