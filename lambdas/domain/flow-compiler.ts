/**
 * Compiles a validated flow definition (flow-definition.ts) to Amazon States Language: one state
 * machine per flow, readable in the Step Functions console. Each step becomes states named for the
 * step and what they do (`BrowseTextTask`, `BrowseTextOutcomeChoice`,
 * `BrowseTextWaitForQuietHoursEndWait`); conditions, splits and sends call the flow-step function
 * (`${FlowStepFunctionArn}`, replaced by CDK and by the local runtime), which re-checks consent and
 * sends through send() at that moment. Waits are Wait states: `delayMinutes` a fixed number of
 * seconds, `until` a time the flow starter computed from the event (`$.waits.<stepId>`). A flow
 * with splits records the branch each split took under `$.branches.<stepId>` (`{ branch, name }`,
 * from `NoBranchTakenYetPass` on) and hands them to every task, which counts under them
 * (flow-stats.ts).
 *
 * The execution's input is `FlowExecutionInput`; the format of definitions is in docs/flows.md.
 */
import { EXIT, stepIds, type FlowDefinition, type FlowStep } from './flow-definition';

/** The placeholder the task states name the flow-step function by. */
export const FLOW_STEP_ARN_PLACEHOLDER = 'FlowStepFunctionArn';

/** What the flow starter passes to an execution. */
export interface FlowExecutionInput {
  readonly flow: string;
  readonly phone: string;
  /** The trigger event's detail. */
  readonly event: Readonly<Record<string, unknown>>;
  /** When the trigger event happened (ISO 8601). */
  readonly eventAt: string;
  /** Texts that would go out after this time are skipped. */
  readonly deadline: string;
  /** The time each `until` wait waits for, by step id. */
  readonly waits: Readonly<Record<string, string>>;
}

/** What a flow's task states send the flow-step function. */
export interface FlowStepTask {
  readonly action: 'runStep';
  readonly flow: string;
  readonly step: string;
  readonly phone: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly eventAt: string;
  readonly deadline: string;
  readonly executionName: string;
  /** The branches taken so far, by split step id (flows with splits only). */
  readonly branches?: Readonly<Record<string, { readonly branch: number; readonly name: string }>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type State = { [key: string]: Json };
export interface AslStateMachine {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: Record<string, State>;
}

const DONE = 'FlowDoneSucceed';
const EXITED = 'FlowExitedSucceed';
const CONSENT_ENDED = 'ConsentEndedSucceed';
const FAILED = 'FlowFailedFail';
const NO_BRANCH_YET = 'NoBranchTakenYetPass';

/** Errors worth retrying: Lambda's own, and the SMS gateway's throttling and outages. */
const RETRY: Json = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
      'Lambda.SdkClientException',
      'SmsThrottledError',
      'SmsUnavailableError',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];
const CATCH: Json = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: FAILED }];

/** `browseText` → `BrowseText`. */
function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/** The name of the first state of each step, by step id. */
export function entryStateNames(definition: Pick<FlowDefinition, 'steps'>): Record<string, string> {
  const ids = stepIds(definition);
  return Object.fromEntries(
    definition.steps.map((step, index) => [ids[index], entryState(step, ids[index] ?? '')]),
  );
}

function entryState(step: FlowStep, id: string): string {
  switch (step.kind) {
    case 'wait':
      return `${pascal(id)}Wait`;
    case 'exit':
      return `${pascal(id)}Succeed`;
    default:
      return `${pascal(id)}Task`;
  }
}

function hasSplits(definition: Pick<FlowDefinition, 'steps'>): boolean {
  return definition.steps.some((step) => step.kind === 'split');
}

function task(
  definition: FlowDefinition,
  id: string,
  comment: string,
  resultSelector: Record<string, string>,
  resultPath = '$.last',
): State {
  return {
    Type: 'Task',
    Comment: comment,
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: {
      FunctionName: `\${${FLOW_STEP_ARN_PLACEHOLDER}}`,
      Payload: {
        action: 'runStep',
        flow: definition.id,
        step: id,
        'phone.$': '$.phone',
        'event.$': '$.event',
        'eventAt.$': '$.eventAt',
        'deadline.$': '$.deadline',
        'executionName.$': '$$.Execution.Name',
        ...(hasSplits(definition) ? { 'branches.$': '$.branches' } : {}),
      },
    },
    ResultSelector: Object.fromEntries(Object.entries(resultSelector).map(([k, v]) => [`${k}.$`, v])),
    ResultPath: resultPath,
    Retry: RETRY,
    Catch: CATCH,
  };
}

export function compileFlow(definition: FlowDefinition): AslStateMachine {
  const ids = stepIds(definition);
  const entries = entryStateNames(definition);
  const stateOf = (target: string | undefined): string =>
    target === undefined ? DONE : target === EXIT ? EXITED : (entries[target] ?? DONE);
  const states: Record<string, State> = {};
  definition.steps.forEach((step, index) => {
    const id = ids[index] ?? '';
    const name = pascal(id);
    const following = ids[index + 1];
    const next = step.kind === 'exit' ? undefined : stateOf(step.next ?? following);
    switch (step.kind) {
      case 'wait': {
        const comment = step.until
          ? `Wait until the event's ${step.until}${step.delayMinutes ? ` + ${step.delayMinutes} minutes` : ''}`
          : `Wait ${step.delayMinutes} minutes`;
        states[`${name}Wait`] = step.until
          ? { Type: 'Wait', Comment: comment, TimestampPath: `$.waits.${id}`, Next: next ?? DONE }
          : { Type: 'Wait', Comment: comment, Seconds: step.delayMinutes * 60, Next: next ?? DONE };
        return;
      }
      case 'condition': {
        const skip: Record<string, string> = step.skipReason
          ? { status: '$.Payload.status', reason: '$.Payload.reason', until: '$.Payload.until' }
          : {};
        const recorded = step.skipReason ? ` (else the text is skipped as ${step.skipReason})` : '';
        states[`${name}Task`] = {
          ...task(definition, id, `Check: ${describeCondition(step)}${recorded}`, {
            matched: '$.Payload.matched',
            ...skip,
          }),
          Next: `${name}Choice`,
        };
        states[`${name}Choice`] = {
          Type: 'Choice',
          Choices: [{ Variable: '$.last.matched', BooleanEquals: true, Next: next ?? DONE }],
          Default: stateOf(step.else),
        };
        return;
      }
      case 'split': {
        const branches = step.random
          ? step.random.map((b) => b.next)
          : [...(step.cases ?? []).map((c) => c.next), step.next ?? following];
        const comment = step.random
          ? `Pick a branch at random: ${step.random.map((b) => `${b.name} (${b.weight})`).join(', ')}`
          : `Branch on the profile's ${step.property ?? ''}`;
        states[`${name}Task`] = {
          ...task(
            definition,
            id,
            comment,
            { branch: '$.Payload.branch', name: '$.Payload.name' },
            `$.branches.${id}`,
          ),
          Next: `${name}Choice`,
        };
        const choices = branches.map((target, branch) => ({
          Variable: `$.branches.${id}.branch`,
          NumericEquals: branch,
          Next: stateOf(target),
        }));
        states[`${name}Choice`] = {
          Type: 'Choice',
          Choices: choices.slice(0, -1),
          Default: choices.at(-1)?.Next ?? DONE,
        };
        return;
      }
      case 'send': {
        const details = [
          step.class,
          step.quietHours ? 'quiet hours' : 'at once',
          // Smart sending holds back marketing texts only.
          ...(step.smartSending && step.class === 'marketing' ? ['smart sending'] : []),
          ...(step.confirmedOptIn ? ['confirmed opt-in'] : []),
          ...(step.contactCard ? ['contact card'] : []),
          ...(step.mediaUrls?.length ? ['MMS'] : []),
          ...(step.deadlineHours !== undefined ? [`skipped after ${step.deadlineHours} h`] : []),
          ...(step.trackLinks ? [] : ['links as written']),
        ];
        states[`${name}Task`] = {
          ...task(definition, id, `Send a text (${details.join(', ')}) through send()`, {
            status: '$.Payload.status',
            until: '$.Payload.until',
            reason: '$.Payload.reason',
          }),
          Next: `${name}OutcomeChoice`,
        };
        states[`${name}OutcomeChoice`] = {
          Type: 'Choice',
          Choices: [
            { Variable: '$.last.status', StringEquals: 'deferred', Next: `${name}WaitForQuietHoursEndWait` },
            { Variable: '$.last.status', StringEquals: 'ended', Next: CONSENT_ENDED },
            { Variable: '$.last.status', StringEquals: 'exited', Next: EXITED },
          ],
          Default: next ?? DONE,
        };
        states[`${name}WaitForQuietHoursEndWait`] = {
          Type: 'Wait',
          TimestampPath: '$.last.until',
          Next: `${name}Task`,
        };
        return;
      }
      case 'exit':
        states[`${name}Succeed`] = { Type: 'Succeed', Comment: 'Exit step: the flow ends here' };
        return;
    }
  });
  const used = JSON.stringify(states);
  const ends: Record<string, State> = {
    [DONE]: { Type: 'Succeed', Comment: 'Every step ran' },
    [EXITED]: { Type: 'Succeed', Comment: 'A condition, a step or an exitOn event sent the flow to exit' },
    [CONSENT_ENDED]: { Type: 'Succeed', Comment: 'Consent ended mid-flow: nothing more is sent' },
    [FAILED]: { Type: 'Fail', Error: 'FlowFailed', Cause: 'A flow step failed after its retries' },
  };
  for (const [stateName, state] of Object.entries(ends))
    if (used.includes(`"${stateName}"`) || (stateName === DONE && ids.length === 0))
      states[stateName] = state;
  const first = entries[ids[0] ?? ''] ?? DONE;
  const start: Record<string, State> = hasSplits(definition)
    ? {
        [NO_BRANCH_YET]: {
          Type: 'Pass',
          Comment: 'The branches this execution takes are recorded under $.branches, counted by every task',
          Result: {},
          ResultPath: '$.branches',
          Next: first,
        },
      }
    : {};
  return {
    Comment: `Flow ${definition.id}: started by ${definition.trigger.event}${
      definition.exitOn.length ? `, stopped by ${definition.exitOn.map((e) => e.event).join(', ')}` : ''
    }. Compiled from its definition (docs/flows.md#flow-definitions).`,
    StartAt: hasSplits(definition) ? NO_BRANCH_YET : first,
    States: { ...start, ...states },
  };
}

function describeCondition(step: Extract<FlowStep, { kind: 'condition' }>): string {
  const parts = [
    ...(step.if.segment ? ['the profile is in the segment'] : []),
    ...(step.if.noEventSince ? [`no ${step.if.noEventSince.join(' or ')} since the trigger`] : []),
    ...(step.if.notReordered ? ["no order of the trigger's product since"] : []),
    ...(step.if.notOrdered
      ? [
          `no order of ${step.if.notOrdered.productIds.join(' or ')}${
            step.if.notOrdered.withinDays ? ` in ${step.if.notOrdered.withinDays} days` : ''
          }`,
        ]
      : []),
  ];
  return parts.join(' and ');
}
