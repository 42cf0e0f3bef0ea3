/**
 * A flow's counters (`GET /v1/flows/{flowId}/stats`): texts sent, clicks, orders and revenue for the
 * whole flow, and per branch of each split, with how many executions entered the branch. Counter
 * keys are `<metric>` for the flow and `<splitId>/<branch>/<metric>` for a branch; the branches an
 * execution took travel with it (`$.branches` in its state machine, flow-compiler.ts) and are
 * written on its short links, so a click and the order after it count under the same branches.
 */
import { stepIds, type FlowDefinition, type FlowStep } from './flow-definition';

export const FLOW_METRICS = ['entered', 'sent', 'clicks', 'orders', 'revenue'] as const;
export type FlowMetric = (typeof FLOW_METRICS)[number];

/** The branch each split of an execution took so far: branch name by split step id. */
export type TakenBranches = Readonly<Record<string, string>>;

/** The name of a property split's branch for profiles that match none of its cases. */
export const OTHER_BRANCH = 'other';

type SplitStep = Extract<FlowStep, { kind: 'split' }>;

/** The names of a split's branches, in the order of the branch numbers the split task returns. */
export function branchNames(step: SplitStep): string[] {
  return step.random
    ? step.random.map((branch) => branch.name)
    : [...(step.cases ?? []).map((c) => String(c.equals)), OTHER_BRANCH];
}

/**
 * What to add for one event: the flow's counter and that of each branch the execution took
 * (`entered` is counted per branch only).
 */
export function flowCounterDelta(
  metric: FlowMetric,
  amount: number,
  branches: TakenBranches = {},
): Record<string, number> {
  const delta: Record<string, number> = metric === 'entered' ? {} : { [metric]: amount };
  for (const [split, branch] of Object.entries(branches)) delta[`${split}/${branch}/${metric}`] = amount;
  return delta;
}

type Counts = Record<Exclude<FlowMetric, 'entered'>, number>;

export interface FlowStats extends Counts {
  readonly flowId: string;
  readonly splits: readonly {
    readonly step: string;
    readonly kind: 'random' | 'property';
    readonly branches: readonly ({
      readonly name: string;
      readonly weight?: number;
      readonly entered: number;
    } & Counts)[];
  }[];
}

/** The stats of a flow from its counters, its definition naming its splits. */
export function flowStatsOf(
  flowId: string,
  definition: Pick<FlowDefinition, 'steps'>,
  counters: Readonly<Record<string, number>>,
): FlowStats {
  const count = (key: string) => counters[key] ?? 0;
  const counts = (prefix: string): Counts => ({
    sent: count(`${prefix}sent`),
    clicks: count(`${prefix}clicks`),
    orders: count(`${prefix}orders`),
    revenue: Math.round(count(`${prefix}revenue`) * 100) / 100,
  });
  const ids = stepIds(definition);
  const splits = definition.steps.flatMap((step, index) => {
    if (step.kind !== 'split') return [];
    const id = ids[index] ?? '';
    const weights = step.random?.map((b) => b.weight);
    return [
      {
        step: id,
        kind: step.random ? ('random' as const) : ('property' as const),
        branches: branchNames(step).map((name, b) => ({
          name,
          ...(weights ? { weight: weights[b]! } : {}),
          entered: count(`${id}/${name}/entered`),
          ...counts(`${id}/${name}/`),
        })),
      },
    ];
  });
  return { flowId, ...counts(''), splits };
}
