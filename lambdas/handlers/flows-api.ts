/** API Gateway (IAM) → GET /v1/flows/{flowId}/stats: a flow's counters, per split branch too. */
import { DynamoFlowStatsStore } from '../adapters/flow-stats-store';
import { flowStats, type FlowStatsDeps } from '../services/flow-stats';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { runtimeConfig } from './shared/runtime';

const environment = environmentOf('flowsApi');

let deps: FlowStatsDeps | undefined;
function dependencies(): FlowStatsDeps {
  deps ??= {
    config: runtimeConfig(),
    flowStats: new DynamoFlowStatsStore(environment().flowStatsTable),
  };
  return deps;
}

export const handler = httpHandler(environment, {
  'GET /v1/flows/{flowId}/stats': async (request) => ({
    status: 200,
    body: await flowStats(dependencies(), request.pathParameters.flowId),
  }),
});
