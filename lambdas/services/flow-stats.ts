/** `GET /v1/flows/{flowId}/stats`: a flow's counters (domain/flow-stats.ts), read for the API. */
import { NotFoundError, ValidationError } from '../domain/errors';
import { FLOW_ID_PATTERN } from '../domain/flow-definition';
import { flowStatsOf, type FlowStats } from '../domain/flow-stats';
import type { RuntimeConfig } from '../domain/runtime-config';
import type { FlowStatsStore } from '../domain/stores/flow-stats';

/** What `GET /v1/flows/{flowId}/stats` needs. */
export interface FlowStatsDeps {
  readonly config: RuntimeConfig;
  readonly flowStats: FlowStatsStore;
}

/**
 * A flow's counters, its splits' branches named from its definition. Any flow of the deployment
 * has stats (a disabled one too, with what it counted while on); an id that names no flow is not
 * found.
 */
export async function flowStats(deps: FlowStatsDeps, flowId: string | undefined): Promise<FlowStats> {
  if (!flowId || !FLOW_ID_PATTERN.test(flowId))
    throw new ValidationError('flowId: must be a flow id such as browseAbandonment', 'flowId');
  const definition = deps.config.flows.definitions.find((d) => d.id === flowId);
  if (!definition) throw new NotFoundError(`no flow ${flowId}`);
  return flowStatsOf(flowId, definition, await deps.flowStats.get(flowId));
}
