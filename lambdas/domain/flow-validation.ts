/**
 * What is wrong with a flow definition, beyond its shape: jumps to unknown or earlier steps, steps
 * nothing reaches, templates printing variables the trigger does not always carry, a marketing text
 * that ignores quiet hours. Each problem names the field (`steps[2].body`), so `cdk synth` can say
 * where to look. The rules are in docs/flows.md#flow-definitions.
 */
import { COMMERCE_EVENT_TYPES } from './commerce-events';
import {
  EXIT,
  stepIds,
  stepTargets,
  TRANSACTIONAL_TRIGGERS,
  type FlowDefinition,
  type FlowTriggerEvent,
} from './flow-definition';
import { CUSTOMER_LAPSED, CustomerLapsedSchema } from './lapsed-customers';
import { templateProblems } from './templates';
import { variableName } from './variable-names';

export interface FlowProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

interface FieldShape {
  readonly _zod: {
    readonly optout?: string;
    readonly def: { readonly shape?: unknown; readonly element?: unknown };
  };
}

/** The schema of a trigger's events: a commerce event's, or the sweep's `CustomerLapsed`. */
function shapeOf(event: Exclude<FlowTriggerEvent, 'SubscriptionConfirmed'>): Record<string, FieldShape> {
  const schema = event === CUSTOMER_LAPSED ? CustomerLapsedSchema : COMMERCE_EVENT_TYPES[event];
  return schema._zod.def.shape as unknown as Record<string, FieldShape>;
}

/** The fields every event of a type carries (not optional), by the name the shop sends. */
export function requiredFields(event: FlowTriggerEvent): string[] {
  if (event === 'SubscriptionConfirmed') return ['source'];
  const shape = shapeOf(event);
  return Object.entries(shape)
    .filter(([, field]) => field._zod.optout !== 'optional')
    .map(([name]) => name);
}

/**
 * The template variables every event of a type provides (`event.cart_url`, `event.items.*.name`):
 * its required fields in snake_case, an item list's required fields under `*`, and `event.event_id`.
 */
export function triggerVariables(event: FlowTriggerEvent): string[] {
  if (event === 'SubscriptionConfirmed') return ['event.source'];
  const shape = shapeOf(event);
  const variables = ['event.event_id'];
  for (const name of requiredFields(event)) {
    const element = shape[name]?._zod.def.element as FieldShape | undefined;
    const itemShape = element?._zod.def.shape as Record<string, FieldShape> | undefined;
    if (itemShape) {
      for (const [item, field] of Object.entries(itemShape))
        if (field._zod.optout !== 'optional')
          variables.push(`event.${variableName(name)}.*.${variableName(item)}`);
    } else variables.push(`event.${variableName(name)}`);
  }
  return variables;
}

export function flowDefinitionProblems(definition: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const problem = (path: readonly (string | number)[], message: string) => problems.push({ path, message });
  const trigger = definition.trigger.event;
  // A field the filters require is there in every event the flow starts from.
  const required = Object.entries(definition.trigger.filters)
    .filter(([, wanted]) => !Array.isArray(wanted) || wanted.length > 0)
    .map(([field]) => field);
  // A replenishment's events carry their item's product and the time it runs out.
  const replenish = definition.replenishDays ? REPLENISH_FIELDS : [];
  const carried = new Set([...requiredFields(trigger), ...required, ...replenish]);
  const times = [...timeFields(trigger), ...(definition.replenishDays ? ['replenishAt'] : [])];
  const ids = stepIds(definition);
  const indexOf = new Map<string, number>();
  ids.forEach((id, index) => {
    if (indexOf.has(id)) problem(['steps', index, 'id'], `repeats the step id "${id}"`);
    else indexOf.set(id, index);
  });
  // Jumps to a repeated id are ambiguous: the rest waits until the ids are fixed.
  if (problems.length > 0) return problems;

  // Jumps: to a known, later step.
  const checkTarget = (path: readonly (string | number)[], target: string, from: number) => {
    if (target === EXIT) return;
    const to = indexOf.get(target);
    if (to === undefined)
      problem(path, `names no step: "${target}" is not a step id (${ids.join(', ')}) or "exit"`);
    else if (to <= from)
      problem(path, `must name a later step: "${target}" comes before it, and flows only go forward`);
  };
  definition.steps.forEach((step, index) => {
    if (step.kind === 'exit') return;
    if (step.next !== undefined) checkTarget(['steps', index, 'next'], step.next, index);
    if (step.kind === 'condition') {
      checkTarget(['steps', index, 'else'], step.else, index);
      if (!step.if.segment && !step.if.noEventSince && !step.if.notReordered && !step.if.notOrdered)
        problem(
          ['steps', index, 'if'],
          'must ask something: a segment, noEventSince, notReordered, notOrdered',
        );
    }
    if (step.kind === 'split') {
      const kinds = [step.random, step.property].filter((v) => v !== undefined).length;
      if (kinds !== 1)
        problem(
          ['steps', index],
          'must split either at random (random) or by a property (property and cases)',
        );
      if (step.property !== undefined && !step.cases)
        problem(['steps', index, 'cases'], 'is required with property');
      if (step.property === undefined && step.cases)
        problem(['steps', index, 'property'], 'is required with cases');
      if (step.random && step.next !== undefined)
        problem(['steps', index, 'next'], 'is not used by a random split: each branch names its next step');
      step.random?.forEach((branch, b) =>
        checkTarget(['steps', index, 'random', b, 'next'], branch.next, index),
      );
      step.cases?.forEach((branch, b) =>
        checkTarget(['steps', index, 'cases', b, 'next'], branch.next, index),
      );
      const names = step.random?.map((b) => b.name) ?? [];
      if (new Set(names).size !== names.length)
        problem(['steps', index, 'random'], 'must not repeat a branch name');
    }
    if (step.kind === 'wait' && step.until !== undefined && !times.includes(step.until)) {
      problem(
        ['steps', index, 'until'],
        `must be a time field every ${trigger} event carries (${times.join(', ') || 'it has none'})`,
      );
    }
    if (step.kind === 'condition' && step.if.notReordered && !carried.has('productId'))
      problem(
        ['steps', index, 'if', 'notReordered'],
        `needs a productId, which not every ${trigger} event carries (a replenishment's do: replenishDays)`,
      );
  });

  // Reachability, and whether a wait or a text may come before each step (jumps go forward, so
  // index order is a topological order).
  const reached = definition.steps.map((_, index) => index === 0);
  const afterWaitOrText = definition.steps.map(() => false);
  // The fewest minutes after the trigger each step can run (an `until` wait counts from the event's time).
  const earliest = definition.steps.map((_, index) => (index === 0 ? 0 : Infinity));
  definition.steps.forEach((step, index) => {
    if (!reached[index]) return;
    const following = ids[index + 1];
    const carries = afterWaitOrText[index] || step.kind === 'wait' || step.kind === 'send';
    const at = earliest[index] ?? 0;
    const after =
      step.kind !== 'wait'
        ? at
        : step.until === undefined
          ? at + step.delayMinutes
          : Math.max(at, step.delayMinutes);
    for (const target of stepTargets(step, following)) {
      const to = indexOf.get(target);
      if (to === undefined || to <= index) continue;
      reached[to] = true;
      afterWaitOrText[to] ||= carries;
      earliest[to] = Math.min(earliest[to] ?? Infinity, after);
    }
  });
  reached.forEach((isReached, index) => {
    if (!isReached) problem(['steps', index], `is never reached: no step before "${ids[index]}" leads to it`);
  });

  // A text the waits always bring past its deadline would always be skipped.
  definition.steps.forEach((step, index) => {
    const at = earliest[index] ?? 0;
    if (step.kind !== 'send' || !reached[index]) return;
    const hours = step.deadlineHours ?? definition.limits.deadlineHours;
    if (at > hours * 60)
      problem(
        step.deadlineHours === undefined ? ['limits', 'deadlineHours'] : ['steps', index, 'deadlineHours'],
        `is ${hours} hours, but "${ids[index]}" comes at least ${at} minutes after the trigger: its text would always be skipped`,
      );
    if (step.mediaUrls?.length && step.contactCard)
      problem(['steps', index, 'mediaUrls'], 'cannot go with contactCard: a text carries one media file');
  });

  // Sends: templates over what the trigger carries; marketing keeps quiet hours; a transactional text
  // answers the customer's own order.
  const variables = [
    ...triggerVariables(trigger),
    ...[...required, ...replenish].map((field) => `event.${variableName(field)}`),
  ];
  if (definition.replenishDays && trigger !== 'OrderPlaced')
    problem(['replenishDays'], `counts from an order: the trigger must be OrderPlaced, not ${trigger}`);
  if (definition.lapseDays !== undefined && trigger !== CUSTOMER_LAPSED)
    problem(['lapseDays'], `is for a win-back flow: the trigger must be ${CUSTOMER_LAPSED}, not ${trigger}`);
  if (definition.lapseDays === undefined && trigger === CUSTOMER_LAPSED)
    problem(['lapseDays'], `is required by a ${CUSTOMER_LAPSED} flow: the days without an order (90)`);
  definition.steps.forEach((step, index) => {
    if (step.kind !== 'send') return;
    for (const message of templateProblems(step.body, variables, trigger))
      problem(['steps', index, 'body'], message);
    if (step.class === 'marketing' && !step.quietHours) {
      // The one exception: the reply a new subscriber is waiting for (the welcome code), sent at once.
      if (trigger !== 'SubscriptionConfirmed' || afterWaitOrText[index])
        problem(
          ['steps', index, 'quietHours'],
          'must be true for a marketing text; only the first text of a SubscriptionConfirmed flow, before any wait, may skip quiet hours',
        );
    }
    if (step.class === 'transactional' && step.confirmedOptIn)
      problem(
        ['steps', index, 'confirmedOptIn'],
        'asks for a confirmed marketing opt-in, which a transactional text does not need',
      );
    if (step.class === 'transactional' && !(TRANSACTIONAL_TRIGGERS as readonly string[]).includes(trigger))
      problem(
        ['steps', index, 'class'],
        `must be marketing in a flow started by ${trigger}: a transactional text answers the customer's own order (${TRANSACTIONAL_TRIGGERS.join(', ')})`,
      );
  });

  // Fields that name executions and stop them: every trigger event must carry them.
  definition.limits.oncePer?.fields.forEach((field, f) => {
    if (!carried.has(field))
      problem(
        ['limits', 'oncePer', 'fields', f],
        `must be a field every ${trigger} event carries (${[...carried].join(', ')})`,
      );
  });
  definition.exitOn.forEach((exit, e) => {
    const exitCarries = new Set(requiredFields(exit.event));
    exit.fields.forEach((field, f) => {
      if (!carried.has(field))
        problem(
          ['exitOn', e, 'fields', f],
          `must be a field every ${trigger} event carries (${[...carried].join(', ')})`,
        );
      else if (!exitCarries.has(field) && !isOptionalField(exit.event, field))
        problem(['exitOn', e, 'fields', f], `is not a field of ${exit.event}`);
    });
  });
  return problems;
}

/** The fields a replenishment adds to the order it starts from (flow-starts.ts, `replenishEvents`). */
const REPLENISH_FIELDS = ['productId', 'productName', 'replenishAt'];

function isOptionalField(event: FlowTriggerEvent, field: string): boolean {
  if (event === 'SubscriptionConfirmed') return false;
  return shapeOf(event)[field] !== undefined;
}

/** The trigger's required fields that hold a time (`abandonedAt`, `at`). */
function timeFields(event: FlowTriggerEvent): string[] {
  return requiredFields(event).filter((name) => name === 'at' || name.endsWith('At'));
}
