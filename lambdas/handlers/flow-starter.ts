/** EventBridge rule (SubscriptionConfirmed, commerce events) → start or stop the flows the event names. */
import { environmentOf } from '../../lib/function-environment';
import { StepFunctionsFlowRunner } from '../adapters/flow-runner';
import { systemClock } from '../adapters/system-clock';
import { startDefinedFlows, type BusEventInput, type DefinedStarterDeps } from '../services/flows';
import { logger, runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';

const environment = environmentOf('flowStarter');

let deps: DefinedStarterDeps | undefined;
function dependencies(): DefinedStarterDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    runner: new StepFunctionsFlowRunner(),
    definitions: runtimeConfig().flows.definitions,
    definedFlowArn: (id) => `${env.definedFlowArnPrefix}${id}`,
  };
  return deps;
}

async function start(event: BusEventInput) {
  const defined = await startDefinedFlows(dependencies(), event);
  logger.info('Flow trigger handled', { detailType: event['detail-type'], defined });
  return { defined };
}

export const handler = eventHandler(environment, start);
