/**
 * Number changes, the identity in use after one, and their store.
 * Implemented by lambdas/adapters/number-change-store.ts.
 */
export interface NumberChange {
  readonly changeId: string;
  readonly oldIdentity: string;
  readonly oldPhoneNumber: string;
  readonly newIdentity: string;
  readonly newPhoneNumber: string;
  readonly switchAt: string;
  readonly finalAt: string;
  readonly finalCampaignId: string;
  readonly firstCampaignId: string;
  readonly state: 'scheduled' | 'switched';
  readonly switchedAt?: string;
  readonly createdAt: string;
}

export interface CurrentIdentity {
  readonly identity: string;
  readonly phoneNumber: string;
  readonly since: string;
  /** The change that made it current. */
  readonly byChange: string;
}

export interface NumberChangeStore {
  put(change: NumberChange): Promise<void>;
  get(changeId: string): Promise<NumberChange | undefined>;
  markSwitched(changeId: string, at: string): Promise<void>;
  current(): Promise<CurrentIdentity | undefined>;
  setCurrent(current: CurrentIdentity): Promise<void>;
}
