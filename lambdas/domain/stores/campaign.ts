/**
 * The store of campaigns: definition, state and counters.
 * Implemented by lambdas/adapters/campaign-store.ts.
 */
import type { Campaign, CampaignEstimate, CampaignSchedule, CampaignState } from '../campaigns';
import type { WinnerDecision } from '../campaign-variants';

/** Numbers to add to a campaign's counters; `skipped` by reason. */
export interface CounterDelta {
  readonly targeted?: number;
  readonly sent?: number;
  /** SMS segments of the texts sent. */
  readonly segments?: number;
  /** Recipients the sender finished with (sent or skipped at send time). */
  readonly settled?: number;
  readonly delivered?: number;
  readonly failed?: number;
  readonly clicks?: number;
  readonly optOuts?: number;
  readonly orders?: number;
  readonly revenue?: number;
  readonly skipped?: Readonly<Record<string, number>>;
  /** Recipients dispatched, by send window (see campaign-progress.ts). */
  readonly targetedByWindow?: Readonly<Record<string, number>>;
  /** Recipients the sender finished with, by send window. */
  readonly settledByWindow?: Readonly<Record<string, number>>;
  /** Per variant of an A/B campaign, by `<variant>:<metric>` (campaign-variants.ts). */
  readonly variantCounts?: Readonly<Record<string, number>>;
}

export interface CampaignStore {
  putIfAbsent(campaign: Campaign): Promise<boolean>;
  get(campaignId: string): Promise<Campaign | undefined>;
  /** Moves the state if it is one of `from`; false otherwise. */
  transition(
    campaignId: string,
    from: readonly CampaignState[],
    to: CampaignState,
    at: string,
  ): Promise<boolean>;
  /**
   * An `estimating` campaign gets its full estimate and its schedules and becomes `scheduled`; false
   * when it is no longer estimating (cancelled, or finished by an earlier delivery).
   */
  finishEstimate(
    campaignId: string,
    estimate: CampaignEstimate,
    schedules: readonly CampaignSchedule[],
  ): Promise<boolean>;
  addCounters(campaignId: string, delta: CounterDelta): Promise<void>;
  /** Stores the winner unless one is stored already (the first decision stands); false then. */
  decideWinner(campaignId: string, decision: WinnerDecision): Promise<boolean>;
  /** Records one dispatch (all recipients or one time zone) once, with its counts; false if already recorded. */
  recordDispatch(campaignId: string, dispatchKey: string, delta: CounterDelta, at: string): Promise<boolean>;
}
