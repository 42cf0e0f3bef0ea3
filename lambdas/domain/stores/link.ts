/**
 * Short links and their store, written by the sender and read by the redirect.
 * Implemented by lambdas/adapters/link-store.ts.
 */
export interface LinkRecord {
  readonly code: string;
  readonly url: string;
  readonly phone: string;
  readonly messageId: string;
  readonly campaignId?: string;
  readonly flowId?: string;
  readonly createdAt: string;
  readonly expiresAt: number;
  readonly clicks?: number;
}

export interface LinkStore {
  putAll(links: readonly LinkRecord[]): Promise<void>;
  get(code: string): Promise<LinkRecord | undefined>;
  /** Counts a click; returns the clicks before it (0 = the recipient's first click). */
  countClick(code: string, at: string): Promise<number>;
}
