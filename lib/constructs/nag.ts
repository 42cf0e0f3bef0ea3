/**
 * cdk-nag (AwsSolutions pack) wiring and the one way Optline acknowledges a finding.
 *
 * cdk-nag 3 reports through CDK's validation framework: `cdk synth` fails on an error and prints
 * warnings; `Validations.of(scope).acknowledge()` moves a finding into the report's
 * `suppressedViolations` with its reason (an audit trail in `cdk.out/validation-report.json`).
 * Acknowledgements are made on the construct that creates the resource, one finding at a time (the
 * id names the rule and, for rules with several findings per resource, the finding), never on the
 * stack. test/infrastructure/nag.test.ts fails on any unacknowledged error or warning and on any
 * acknowledgement that no longer matches a finding.
 */
import { Stack, Validations, type App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/** Name of the AwsSolutions pack as a validation plugin: the namespace of its rule ids. */
export const NAG_PACK = 'AwsSolutions';

/** Runs the AwsSolutions checks on every stack of the app at synthesis. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges one finding of one rule on `scope` and everything under it.
 * @param finding e.g. `AwsSolutions-L1` or `AwsSolutions-IAM5[Resource::<TableArn>/index/x]`
 * @param reason one line: why this is right for Optline
 */
export function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}::${finding}`, reason });
}

/**
 * The IAM5 finding id cdk-nag reports for a wildcard resource, rendered the way cdk-nag renders it
 * (`<LogicalId.Attr>` for references), so an acknowledgement names exactly the resource it covers.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

/** The IAM5 finding id for a wildcard action such as `kms:GenerateDataKey*`. */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/**
 * For a function that aws-cdk-lib creates and owns (a custom-resource handler), acknowledges exactly
 * the IAM4/IAM5 findings of the role CDK gave it, read from that role as synthesized, with one reason.
 * Optline cannot change these policies; listing each finding keeps a new wildcard from CDK visible in
 * the validation report (and in nag.test.ts) rather than silently covered.
 */
export function acknowledgeCdkOwnedRole(role: iam.IRole, reason: string): void {
  const stack = Stack.of(role);
  const cfnRole = role.node.defaultChild;
  if (cfnRole instanceof iam.CfnRole) {
    const managed = (stack.resolve(cfnRole.managedPolicyArns) ?? []) as unknown[];
    for (const arn of managed) {
      acknowledge(role, `AwsSolutions-IAM4[Policy::${flattenCfnReference(stack.resolve(arn))}]`, reason);
    }
  }
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return;
  const document = stack.resolve(policy.document) as { Statement?: PolicyStatementJson[] };
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of [statement.Action ?? []].flat()) {
      if (action.includes('*')) acknowledge(role, wildcardActionFinding(action), reason);
    }
    for (const resource of [statement.Resource ?? []].flat()) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) acknowledge(role, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
    }
  }
}

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}
