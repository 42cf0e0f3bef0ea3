/**
 * The flows that have keys of their own in `flows` (`flows.welcome`, `flows.abandonedCart`,
 * `flows.backInStock`, `flows.priceDrop`), as built-in definitions: a deployment's settings under
 * those keys are translated into the definition the flow runs, compiled like every other
 * (docs/flows.md#settings-under-their-own-keys). An entry of `flows.definitions` with the same id
 * then switches or replaces it.
 */
import { FlowDefinitionShape, type FlowDefinitionInput } from './flow-definition';
import { flowDefinitionProblems, type FlowProblem } from './flow-validation';

/** The settings of a single-text flow under its own key (runtime-config.ts). */
export interface SingleTextFlowSettings {
  readonly enabled: boolean;
  readonly topic?: string | undefined;
  readonly delayMinutes: number;
  readonly deadlineHours: number;
  readonly body: string;
}

/** The flows whose keys are translated, by id, with the event that starts each. */
export const PRODUCT_FLOW_TRIGGERS = { backInStock: 'BackInStock', priceDrop: 'PriceDropped' } as const;
export type ProductFlowId = keyof typeof PRODUCT_FLOW_TRIGGERS;
export const TRANSLATED_FLOW_IDS = ['welcome', 'abandonedCart', 'backInStock', 'priceDrop'] as const;
export type TranslatedFlowId = (typeof TRANSLATED_FLOW_IDS)[number];

/** One message of the welcome series under `flows.welcome.steps` (runtime-config.ts). */
export interface WelcomeMessageSettings {
  readonly delayMinutes: number;
  readonly body: string;
  readonly bodyBySource: Readonly<Record<string, string>>;
  readonly contactCard: boolean;
  readonly quietHours: boolean;
  readonly smartSending: boolean;
}

export interface WelcomeSettings {
  readonly enabled: boolean;
  readonly topic?: string | undefined;
  readonly steps: readonly WelcomeMessageSettings[];
}

/** The settings under the keys this module translates. */
export interface FlowKeys {
  readonly welcome: WelcomeSettings;
  readonly abandonedCart: SingleTextFlowSettings;
  readonly backInStock: SingleTextFlowSettings;
  readonly priceDrop: SingleTextFlowSettings;
}

/**
 * How long after its time a welcome text may still go when quiet hours, a state's calling hours or
 * a cap hold it: the series had no deadline, and these hold a text for a night or a few days.
 */
export const WELCOME_SLACK_HOURS = 7 * 24;
const MAX_DEADLINE_HOURS = 90 * 24;

/**
 * The welcome series: per message, a wait of its `delayMinutes` (none for 0), a split on the
 * profile's `$source` when it has `bodyBySource` (one send per source, the `body` for the others)
 * and its send, with its links as written and a deadline `WELCOME_SLACK_HOURS` after its time.
 * Also, by definition step, the message each came from (for the problems, flows.welcome.steps.N).
 */
export function welcomeDefinition(settings: WelcomeSettings): {
  readonly definition: FlowDefinitionInput;
  readonly messageOf: readonly number[];
} {
  const steps: FlowDefinitionInput['steps'][number][] = [];
  const messageOf: number[] = [];
  let minutes = 0;
  settings.steps.forEach((message, index) => {
    const n = index + 1;
    minutes += message.delayMinutes;
    const add = (step: (typeof steps)[number]) => {
      steps.push(step);
      messageOf.push(index);
    };
    if (message.delayMinutes > 0)
      add({ kind: 'wait', id: `message${n}Delay`, delayMinutes: message.delayMinutes });
    const send = {
      kind: 'send' as const,
      quietHours: message.quietHours,
      smartSending: message.smartSending,
      contactCard: message.contactCard,
      trackLinks: false,
      // At most the 90 days a deadline may be: a later text is refused, naming its delay.
      deadlineHours: Math.min(Math.ceil(minutes / 60) + WELCOME_SLACK_HOURS, MAX_DEADLINE_HOURS),
    };
    const sources = Object.entries(message.bodyBySource);
    // Where a source's text goes on: the next message's first step, or the end.
    const after = index + 1 < settings.steps.length ? firstStepOf(settings.steps, index + 1) : 'exit';
    if (sources.length > 0)
      add({
        kind: 'split',
        id: `message${n}BySource`,
        property: '$source',
        cases: sources.map(([source], k) => ({ equals: source, next: `message${n}Source${k + 1}` })),
        next: `message${n}Text`,
      });
    sources.forEach(([, body], k) => add({ ...send, id: `message${n}Source${k + 1}`, body, next: after }));
    add({ ...send, id: `message${n}Text`, body: message.body });
  });
  return {
    definition: {
      id: 'welcome',
      enabled: settings.enabled,
      ...(settings.topic === undefined ? {} : { topic: settings.topic }),
      trigger: { event: 'SubscriptionConfirmed' },
      steps,
    },
    messageOf,
  };
}

/** The id of a welcome message's first step: its wait, its split by source, or its text. */
function firstStepOf(messages: readonly WelcomeMessageSettings[], index: number): string {
  const message = messages[index];
  const n = index + 1;
  if (!message) return 'exit';
  if (message.delayMinutes > 0) return `message${n}Delay`;
  return Object.keys(message.bodyBySource).length > 0 ? `message${n}BySource` : `message${n}Text`;
}

/**
 * Abandoned cart: `delayMinutes` after the cart's `abandonedAt`, one text per cart with its link as
 * written, only to a subscription confirmed by double opt-in or a code (`no_confirmed_opt_in`),
 * unless an order came since the cart (`order_placed`); an `OrderPlaced` with the `cartId` stops
 * the execution, one without it ends the flow at the text (quiet hours may hold it). Skipped past
 * `deadlineHours` after `abandonedAt`.
 */
export function abandonedCartDefinition(settings: SingleTextFlowSettings): FlowDefinitionInput {
  return {
    id: 'abandonedCart',
    enabled: settings.enabled,
    ...(settings.topic === undefined ? {} : { topic: settings.topic }),
    trigger: { event: 'CartAbandoned' },
    exitOn: [{ event: 'OrderPlaced', fields: ['cartId'] }, { event: 'OrderPlaced' }],
    limits: { oncePer: { fields: ['cartId'] }, deadlineHours: settings.deadlineHours },
    steps: [
      { kind: 'wait', id: 'delay', until: 'abandonedAt', delayMinutes: settings.delayMinutes },
      {
        kind: 'condition',
        id: 'noOrderSinceCart',
        if: { noEventSince: ['OrderPlaced'] },
        skipReason: 'order_placed',
      },
      { kind: 'send', id: 'cartText', body: settings.body, confirmedOptIn: true, trackLinks: false },
    ],
  };
}

/**
 * Back in stock or price drop: `delayMinutes` after the event's `at`, one text with the product's
 * link as written, at most one per subscriber, product and day (UTC), skipped past `deadlineHours`
 * after the event.
 */
export function productFlowDefinition(
  id: ProductFlowId,
  settings: SingleTextFlowSettings,
): FlowDefinitionInput {
  return {
    id,
    enabled: settings.enabled,
    ...(settings.topic === undefined ? {} : { topic: settings.topic }),
    trigger: { event: PRODUCT_FLOW_TRIGGERS[id] },
    limits: { oncePer: { fields: ['productId'], hours: 24 }, deadlineHours: settings.deadlineHours },
    steps: [
      { kind: 'wait', id: 'delay', until: 'at', delayMinutes: settings.delayMinutes },
      { kind: 'send', id: `${id}Text`, body: settings.body, trackLinks: false },
    ],
  };
}

/** The definitions the keys under `flows` translate to. */
export function translatedFlowDefinitions(flows: FlowKeys): FlowDefinitionInput[] {
  return [
    welcomeDefinition(flows.welcome).definition,
    abandonedCartDefinition(flows.abandonedCart),
    productFlowDefinition('backInStock', flows.backInStock),
    productFlowDefinition('priceDrop', flows.priceDrop),
  ];
}

/**
 * What is wrong with the definitions the keys translate to, each problem under its key
 * (`flows.backInStock.deadlineHours`, `flows.welcome.steps.1.quietHours`). The bodies are left
 * out: the keys' own schema checks them.
 */
export function translatedFlowProblems(flows: FlowKeys): FlowProblem[] {
  const { messageOf } = welcomeDefinition(flows.welcome);
  return translatedFlowDefinitions(flows).flatMap((definition) =>
    flowDefinitionProblems(FlowDefinitionShape.parse(definition))
      .filter((problem) => !problem.path.includes('body'))
      .map((problem) => ({
        path: [
          definition.id,
          ...(definition.id === 'welcome' ? welcomePath(problem, messageOf) : keyPath(problem)),
        ],
        message: problem.message,
      })),
  );
}

function keyPath(problem: FlowProblem): (string | number)[] {
  return problem.path.includes('deadlineHours') ? ['deadlineHours'] : [];
}

/** A problem of a welcome step, under the message it came from: its delay or its quiet hours. */
function welcomePath(problem: FlowProblem, messageOf: readonly number[]): (string | number)[] {
  const [steps, index, field] = problem.path;
  if (steps !== 'steps' || typeof index !== 'number') return [];
  const message = messageOf[index];
  if (message === undefined) return ['steps'];
  const key = field === 'deadlineHours' ? 'delayMinutes' : field === 'quietHours' ? 'quietHours' : undefined;
  return ['steps', message, ...(key ? [key] : [])];
}
