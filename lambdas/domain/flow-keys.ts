/**
 * The flows that have keys of their own in `flows` (`flows.backInStock`, `flows.priceDrop`), as
 * built-in definitions: a deployment's settings under those keys are translated into the
 * definition the flow runs, compiled like every other (docs/flows.md#settings-under-their-own-keys).
 * An entry of `flows.definitions` with the same id then switches or replaces it.
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
export const TRANSLATED_FLOW_IDS = Object.keys(PRODUCT_FLOW_TRIGGERS) as ProductFlowId[];

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
  flows: Readonly<Record<ProductFlowId, SingleTextFlowSettings>>,
): FlowDefinitionInput[] {
  return TRANSLATED_FLOW_IDS.map((id) => productFlowDefinition(id, flows[id]));
}

/**
 * What is wrong with the definitions the keys translate to, each problem under its key
 * (`flows.backInStock.deadlineHours`). The bodies are left out: the keys' own schema checks them.
 */
export function translatedFlowProblems(
  flows: Readonly<Record<ProductFlowId, SingleTextFlowSettings>>,
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
