/**
 * The message checks of `optline preview` (encoding, segments, links, brand, opt-out language) run on
 * every flow template when the stack is synthesized, and come out as `cdk synth` warnings naming the
 * config field. Campaign bodies get the same checks from the API when a campaign is created. A
 * template is checked as it will be sent: its preference-page link (`{{ preferences_url }}`) at its
 * length on the deployment's public origin of links (these flows send their other URLs as written).
 */
import { lintMessage, type LintWarning } from '../lambdas/domain/message-lint';
import { withBrandPrefix } from '../lambdas/domain/messages';
import { sampleApiOrigin, withSamplePreferencesUrl } from '../lambdas/domain/links';
import type { RuntimeConfig } from '../lambdas/domain/runtime-config';
import { campaignWarnings } from '../lambdas/domain/campaigns';
import { stepIds } from '../lambdas/domain/flow-definition';
import { TRANSLATED_FLOW_IDS } from '../lambdas/domain/flow-keys';

export interface TemplateWarning extends LintWarning {
  readonly field: string;
}

/**
 * The public origin of links the templates are checked with: the links domain, else the API's
 * execute-api address in `region` (a sample API id) with its `stage`.
 */
export function linkOrigin(program: RuntimeConfig, region: string, stage: string): string {
  const domain = program.links.domain;
  return domain === undefined ? sampleApiOrigin(region, stage) : `https://${domain}`;
}

export function flowTemplateWarnings(
  program: RuntimeConfig,
  origin = linkOrigin(program, 'us-east-1', 'prod'),
): TemplateWarning[] {
  const templates: [string, string][] = [];
  program.flows.welcome.steps.forEach((step, i) => {
    templates.push([`flows.welcome.steps.${i}.body`, step.body]);
    for (const [source, body] of Object.entries(step.bodyBySource))
      templates.push([`flows.welcome.steps.${i}.bodyBySource.${source}`, body]);
  });
  for (const flow of ['abandonedCart', 'backInStock', 'priceDrop'] as const)
    templates.push([`flows.${flow}.body`, program.flows[flow].body]);
  const keyed = templates.flatMap(([field, body]) =>
    linksAsWritten(program, origin, body).map((w) => ({ ...w, field: `optline.${field}` })),
  );
  return [...keyed, ...definedFlowWarnings(program, origin)];
}

/**
 * The checks of a text whose links go as written: as sent, with the brand prefix send() adds (so only
 * what it cannot fix is reported) and the preference-page link at its length.
 */
function linksAsWritten(
  program: RuntimeConfig,
  origin: string,
  body: string,
  mediaUrls?: readonly string[],
): LintWarning[] {
  return lintMessage(withBrandPrefix(withSamplePreferencesUrl(body, origin), program.brand), {
    brand: program.brand,
    ...(mediaUrls ? { mediaUrls } : {}),
  });
}

/**
 * The texts of the flows written as data (the built-in ones and `flows.definitions`), but those the
 * keys above translate to: each as a campaign body is checked, its links as the short links it sends
 * (`trackLinks`) or as written. Named by the flow's and the step's ids, since a built-in definition
 * has no place in the config.
 */
function definedFlowWarnings(program: RuntimeConfig, origin: string): TemplateWarning[] {
  const keyFlows = new Set<string>(TRANSLATED_FLOW_IDS);
  return program.flows.definitions
    .filter((definition) => definition.enabled && !keyFlows.has(definition.id))
    .flatMap((definition) => {
      const ids = stepIds(definition);
      return definition.steps.flatMap((step, index) => {
        if (step.kind !== 'send') return [];
        const warnings = step.trackLinks
          ? campaignWarnings(step.body, program.brand, origin, program.links, step.mediaUrls)
          : linksAsWritten(program, origin, step.body, step.mediaUrls);
        return warnings.map((w) => ({
          ...w,
          field: `optline.flows.definitions[${definition.id}].steps[${ids[index]}].body`,
        }));
      });
    });
}
