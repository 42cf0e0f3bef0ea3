/** EventBridge rule (SubscriptionConfirmed, CartAbandoned, OrderPlaced, BackInStock, PriceDropped) → start or stop a flow. */
import { environmentOf } from '../../lib/function-environment';
import { StepFunctionsFlowRunner } from '../adapters/flow-runner';
import { systemClock } from '../adapters/system-clock';
import { startFlowFor, type BusEventInput, type FlowId, type StarterDeps } from '../services/flows';
import { logger, runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';

const environment = environmentOf('flowStarter');

let deps: StarterDeps | undefined;
function dependencies(): StarterDeps {
  const env = environment();
  const stateMachines: Record<FlowId, string> = {
    welcome: env.welcomeStateMachineArn,
    abandonedCart: env.abandonedCartStateMachineArn,
    backInStock: env.backInStockStateMachineArn,
    priceDrop: env.priceDropStateMachineArn,
  };
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    runner: new StepFunctionsFlowRunner(),
    stateMachines,
  };
  return deps;
}

async function start(event: BusEventInput) {
  const outcome = await startFlowFor(dependencies(), event);
  logger.info('Flow trigger handled', { detailType: event['detail-type'], ...outcome });
  return outcome;
}

export const handler = eventHandler(environment, start);
