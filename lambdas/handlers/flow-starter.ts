/** EventBridge rule (SubscriptionConfirmed, CartAbandoned, OrderPlaced, BackInStock, PriceDropped) → start or stop a flow. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { stateMachineArnEnv } from '../../lib/catalog';
import { StepFunctionsFlowRunner } from '../adapters/flow-runner';
import { systemClock } from '../adapters/system-clock';
import { startFlowFor, type BusEventInput, type FlowId, type StarterDeps } from '../services/flows';
import { logger, runtimeConfig } from './shared/runtime';
import { metricsFlusher } from '../adapters/metrics';
import { tracingMiddleware } from '../adapters/tracer';

function stateMachineArn(flow: FlowId): string {
  const value = process.env[stateMachineArnEnv(flow)];
  if (!value) throw new Error(`${stateMachineArnEnv(flow)} is not set`);
  return value;
}

let deps: StarterDeps | undefined;
function dependencies(): StarterDeps {
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    runner: new StepFunctionsFlowRunner(),
    stateMachines: {
      welcome: stateMachineArn('welcome'),
      abandonedCart: stateMachineArn('abandonedCart'),
      backInStock: stateMachineArn('backInStock'),
      priceDrop: stateMachineArn('priceDrop'),
    },
  };
  return deps;
}

async function start(event: BusEventInput) {
  const outcome = await startFlowFor(dependencies(), event);
  logger.info('Flow trigger handled', { detailType: event['detail-type'], ...outcome });
  return outcome;
}

export const handler = middy(start)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(tracingMiddleware())
  .use(metricsFlusher());
