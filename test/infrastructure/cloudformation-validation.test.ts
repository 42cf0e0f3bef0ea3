/**
 * CDK's built-in CloudFormation validation over the synthesized stack, as `cdk synth` runs it: every
 * resource's properties against CloudFormation's resource schemas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedSynthesis, type PluginReport } from '../support/template';

const PLUGIN = 'CloudFormation Validate';

describe('CloudFormation validation', () => {
  let report: PluginReport | undefined;

  beforeAll(async () => {
    report = (await sharedSynthesis()).reports.find((r) => r.pluginName === PLUGIN);
  }, 300_000);

  it('finds nothing wrong in any resource of the template', () => {
    expect(report, 'the CloudFormation validation did not run').toBeDefined();
    expect(
      report!.violations.map(
        (v) =>
          `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}: ${v.description}`,
      ),
    ).toEqual([]);
    expect(report!.conclusion).toBe('success');
  });
});
