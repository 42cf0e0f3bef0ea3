/**
 * The message checks of `optline preview` (encoding, segments, links, brand, opt-out language) run on
 * every flow template when the stack is synthesized, and come out as `cdk synth` warnings naming the
 * config field. Campaign bodies get the same checks from the API when a campaign is created.
 */
import { lintMessage, type LintWarning } from '../lambdas/domain/message-lint';
import { withBrandPrefix } from '../lambdas/domain/messages';
import type { RuntimeConfig } from '../lambdas/domain/runtime-config';

export interface TemplateWarning extends LintWarning {
  readonly field: string;
}

export function flowTemplateWarnings(program: RuntimeConfig): TemplateWarning[] {
  const templates: [string, string][] = [];
  program.flows.welcome.steps.forEach((step, i) => {
    templates.push([`flows.welcome.steps.${i}.body`, step.body]);
    for (const [source, body] of Object.entries(step.bodyBySource))
      templates.push([`flows.welcome.steps.${i}.bodyBySource.${source}`, body]);
  });
  for (const flow of ['abandonedCart', 'backInStock', 'priceDrop'] as const)
    templates.push([`flows.${flow}.body`, program.flows[flow].body]);
  return templates.flatMap(([field, body]) =>
    // As sent: send() adds the brand prefix, so only what it cannot fix is reported.
    lintMessage(withBrandPrefix(body, program.brand), { brand: program.brand }).map((w) => ({
      ...w,
      field: `optline.${field}`,
    })),
  );
}
