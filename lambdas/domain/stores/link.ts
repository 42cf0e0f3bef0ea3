/**
 * Short links and their store, claimed one by one by the sender and read by the redirect.
 * Implemented by lambdas/adapters/link-store.ts.
 */
export interface LinkRecord {
  readonly code: string;
  readonly url: string;
  readonly phone: string;
  readonly messageId: string;
  readonly campaignId?: string;
  readonly flowId?: string;
  /** The branch each split of the flow's execution took, by split step id (flow-stats.ts). */
  readonly flowBranches?: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly expiresAt: number;
  readonly clicks?: number;
}

export interface LinkStore {
  /**
   * Writes the link under its code unless another link holds the code: true when the code is this
   * link's (written now, or by an earlier attempt of the same send), false on a collision.
   */
  claim(link: LinkRecord): Promise<boolean>;
  get(code: string): Promise<LinkRecord | undefined>;
  /** Counts a click; returns the clicks before it (0 = the recipient's first click). */
  countClick(code: string, at: string): Promise<number>;
}
