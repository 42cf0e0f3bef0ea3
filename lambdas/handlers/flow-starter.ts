/** EventBridge rule (SubscriptionConfirmed, CartAbandoned, OrderPlaced, BackInStock, PriceDropped) → start or stop a flow. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { environmentOf } from '../../lib/function-environment';
import { StepFunctionsFlowRunner } from '../adapters/flow-runner';
import { systemClock } from '../adapters/system-clock';
import { startFlowFor, type BusEventInput, type FlowId, type StarterDeps } from '../services/flows';
import { logger, runtimeConfig, validatesEnvironment } from './shared/runtime';
import { metricsFlusher } from '../adapters/metrics';
import { tracingMiddleware } from '../adapters/tracer';

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

export const handler = middy(start)
  .use(validatesEnvironment(environment))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(tracingMiddleware())
  .use(metricsFlusher());
