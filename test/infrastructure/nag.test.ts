/**
 * cdk-nag (AwsSolutions) over the synthesized stack, as `cdk synth` runs it (bin/optline.ts adds the
 * same checks). Fixes come first; what remains is acknowledged finding by finding, with a reason, on
 * the construct that creates the resource.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NAG_PACK } from '../../lib/constructs/nag';
import { sharedSynthesis, TEST_STACK_NAME, type Synthesis, type Violation } from '../support/template';

describe('cdk-nag AwsSolutions checks', () => {
  let synthesis: Synthesis;
  let suppressed: Violation[];

  beforeAll(async () => {
    synthesis = await sharedSynthesis();
    suppressed = nagReport().suppressedViolations ?? [];
  }, 300_000);

  const nagReport = () => {
    const report = synthesis.reports.find((r) => r.pluginName === NAG_PACK);
    if (!report) throw new Error('the AwsSolutions checks did not run');
    return report;
  };
  const describeViolation = (v: Violation) =>
    `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}: ${v.description}`;

  it('leaves no unacknowledged error or warning', () => {
    expect(nagReport().violations.map(describeViolation)).toEqual([]);
    expect(nagReport().conclusion).toBe('success');
  });

  it('acknowledges each finding with its rule id and a one-line reason', () => {
    expect(suppressed.length).toBeGreaterThan(0);
    for (const violation of suppressed) {
      expect(violation.acknowledgedId).toBe(`${NAG_PACK}::${violation.ruleName}`);
      expect(violation.reason?.trim().length, violation.ruleName).toBeGreaterThan(20);
      expect(violation.reason, violation.ruleName).not.toMatch(/\n/);
    }
  });

  it('acknowledges on the resource that needs it, never on the app or the stack', () => {
    const nagAcknowledgements = synthesis.acknowledgements.filter((a) => a.id.startsWith(`${NAG_PACK}::`));
    expect(nagAcknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of nagAcknowledgements) {
      expect(acknowledgement.path.startsWith(`${TEST_STACK_NAME}/`), acknowledgement.path).toBe(true);
    }
  });

  it('keeps no acknowledgement that no longer matches a finding', () => {
    const stale = synthesis.acknowledgements
      .filter((a) => a.id.startsWith(`${NAG_PACK}::`))
      .filter(
        (a) =>
          !suppressed.some(
            (v) =>
              v.acknowledgedId === a.id &&
              v.violatingConstructs.some((c) => `${c.constructPath}/`.startsWith(`${a.path}/`)),
          ),
      )
      .map((a) => `${a.id} at ${a.path}`);
    expect(stale).toEqual([]);
  });

  it('acknowledges these rules only (a new rule needs a fix or a reviewed reason)', () => {
    const rules = new Set(suppressed.map((v) => v.ruleName.replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].sort(),
    );
  });
});
