/**
 * A flow definition compiled to ASL and run on the local runtime's Step Functions interpreter
 * (aws-local-stepfunctions, waits on a virtual clock), each task reaching the flow-step service over
 * in-memory stores and gateway: what the flow tests below test/flows/*-run.test.ts share.
 */
import {
  FLOW_STEP_ARN_PLACEHOLDER,
  compileFlow,
  type FlowStepTask,
} from '../../lambdas/domain/flow-compiler';
import type { FlowDefinition } from '../../lambdas/domain/flow-definition';
import { definedFlowStarts } from '../../lambdas/domain/flow-starts';
import { waitTimes } from '../../lambdas/domain/flow-steps';
import { newProfile, type Profile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { runDefinedStep, type StepDeps } from '../../lambdas/services/flows';
import { StepFunctionsEmulator, type ExecutionRecord } from '../../local/aws/stepfunctions';
import { VirtualClock } from '../../local/virtual-clock';
import { InMemoryFlowStatsStore } from './fakes/flow-stats-store';
import { InMemoryMessageStore } from './fakes/message-store';
import { InMemoryProfileStore } from './fakes/profile-store';
import { InMemorySmsGateway } from './fakes/sms-gateway';

export const FLOW_STEP_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:flowStep';

const config = RuntimeConfigSchema.parse({ brand: 'Acme Coffee', supportContact: 'help@acme.example' });

/** A marketing subscriber by double opt-in since `since`, last texted then. */
export function subscriber(phone: string, since: string, extra: Partial<Profile> = {}): Profile {
  return {
    ...newProfile(phone, since),
    marketing: 'subscribed',
    marketingConfirmedBy: 'double_opt_in',
    lastMarketingAt: since,
    ...extra,
  };
}

export function compiledFlow(
  definition: FlowDefinition,
  options: { readonly start: Date; readonly deps?: Partial<StepDeps> },
) {
  const clock = new VirtualClock(options.start, 1);
  const profiles = new InMemoryProfileStore();
  const messages = new InMemoryMessageStore();
  const gateway = new InMemorySmsGateway(() => clock.now());
  const flowStats = new InMemoryFlowStatsStore();
  const deps = {
    clock: { now: () => clock.now() },
    config,
    profiles,
    messages,
    gateway,
    flowStats,
    ...options.deps,
    definitions: [definition],
  };
  const asl = JSON.parse(
    JSON.stringify(compileFlow(definition)).replaceAll(
      `\${${FLOW_STEP_ARN_PLACEHOLDER}}`,
      FLOW_STEP_FUNCTION_ARN,
    ),
  );
  const machineArn = `arn:aws:states:us-east-1:000000000000:stateMachine:${definition.id}`;
  /** Every task the state machine handed the flow-step function, with the function it named. */
  const tasks: (FlowStepTask & { readonly functionArn: string })[] = [];
  const emulator = new StepFunctionsEmulator({
    clock,
    region: 'us-east-1',
    account: '000000000000',
    stateMachines: [{ arn: machineArn, name: definition.id, definition: asl }],
    invokeLambda: async (arn, payload) => {
      tasks.push({ ...(payload as FlowStepTask), functionArn: arn });
      return runDefinedStep(deps, payload as FlowStepTask);
    },
  });
  /** Starts an execution by name, as the flow starter would, and returns its record. */
  const startExecution = (name: string, input: object): ExecutionRecord => {
    emulator
      .service()
      .operations.StartExecution?.({ stateMachineArn: machineArn, name, input: JSON.stringify(input) });
    return emulator.executions.get(
      `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    ) as ExecutionRecord;
  };
  /** The executions the flow starter starts for a trigger event, started. */
  const trigger = (eventType: string, detail: Record<string, unknown>, at: string): ExecutionRecord[] =>
    definedFlowStarts([definition], eventType, detail, at).map((start) =>
      startExecution(start.name, { ...start.input, waits: waitTimes(definition, start.input.event) }),
    );
  return { clock, emulator, profiles, messages, gateway, flowStats, deps, tasks, startExecution, trigger };
}
