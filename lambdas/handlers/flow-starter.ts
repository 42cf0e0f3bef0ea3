/** EventBridge rule (SubscriptionConfirmed, commerce events) → start or stop the flows the event names. */
import { environmentOf } from '../../lib/function-environment';
import { StepFunctionsFlowRunner } from '../adapters/flow-runner';
import { systemClock } from '../adapters/system-clock';
import {
  startDefinedFlows,
  startFlowFor,
  type BusEventInput,
  type DefinedStarterDeps,
  type FlowId,
  type StarterDeps,
} from '../services/flows';
import { logger, runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';

const environment = environmentOf('flowStarter');

let deps: (StarterDeps & DefinedStarterDeps) | undefined;
function dependencies(): StarterDeps & DefinedStarterDeps {
  const env = environment();
  const stateMachines: Record<FlowId, string> = {
    welcome: env.welcomeStateMachineArn,
  };
  const config = runtimeConfig();
  deps ??= {
    clock: systemClock,
    config,
    runner: new StepFunctionsFlowRunner(),
    stateMachines,
    definitions: config.flows.definitions,
    definedFlowArn: (id) => `${env.definedFlowArnPrefix}${id}`,
  };
  return deps;
}

async function start(event: BusEventInput) {
  const outcome = await startFlowFor(dependencies(), event);
  const defined = await startDefinedFlows(dependencies(), event);
  logger.info('Flow trigger handled', { detailType: event['detail-type'], ...outcome, defined });
  return { ...outcome, defined };
}

export const handler = eventHandler(environment, start);
