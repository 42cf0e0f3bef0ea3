/**
 * The flows that have keys of their own in `flows` (`flows.abandonedCart`, `flows.backInStock`,
 * `flows.priceDrop`), as built-in definitions: a deployment's settings under those keys are
 * translated into the definition the flow runs, compiled like every other
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
export const TRANSLATED_FLOW_IDS = ['abandonedCart', 'backInStock', 'priceDrop'] as const;
export type TranslatedFlowId = (typeof TRANSLATED_FLOW_IDS)[number];

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
export function translatedFlowDefinitions(
  flows: Readonly<Record<TranslatedFlowId, SingleTextFlowSettings>>,
): FlowDefinitionInput[] {
  return TRANSLATED_FLOW_IDS.map((id) =>
    id === 'abandonedCart' ? abandonedCartDefinition(flows[id]) : productFlowDefinition(id, flows[id]),
  );
}

/**
 * What is wrong with the definitions the keys translate to, each problem under its key
 * (`flows.backInStock.deadlineHours`). The bodies are left out: the keys' own schema checks them.
 */
export function translatedFlowProblems(
  flows: Readonly<Record<TranslatedFlowId, SingleTextFlowSettings>>,
): FlowProblem[] {
  return translatedFlowDefinitions(flows).flatMap((definition) =>
    flowDefinitionProblems(FlowDefinitionShape.parse(definition))
      .filter((problem) => !problem.path.includes('body'))
      .map((problem) => ({
        path: [definition.id, ...(problem.path.includes('deadlineHours') ? ['deadlineHours'] : [])],
        message: problem.message,
      })),
  );
}
