/**
 * The part of the stack's template the local permission check reads (./synthesized-template.ts):
 * synthesized as `cdk synth` does (cdk.json's feature flags, no account or Region), without bundling
 * the functions or validating the template, which changes no policy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { RESOURCE_METADATA_KEY } from '../../lib/catalog';
import { parseDeploymentConfig } from '../../lib/config';
import { OptlineStack } from '../../lib/optline-stack';
import type { CfnResource, CfnTemplate } from './policies';

/** Synthesizes the stack of this raw config (program, origination and stage) and keeps its policy part. */
export function synthesizePolicyTemplate(root: string, raw: Record<string, unknown>): CfnTemplate {
  const { context } = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { optline: _program, ...featureFlags } = context;
  const outdir = mkdtempSync(join(tmpdir(), 'optline-local-iam-'));
  try {
    // No CloudFormation validation either: the policies are what is read here, and the template
    // itself is validated by `cdk synth` and the infrastructure tests (4 of the 10 s of CPU it took).
    const app = new App({
      outdir,
      context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    const stack = new OptlineStack(app, 'OptlineLocal', { config: parseDeploymentConfig(raw) });
    return policyPart(app.synth().getStackByName(stack.stackName).template as CfnTemplate);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The functions and their roles, every IAM policy, and every resource the catalog names. */
function policyPart(template: CfnTemplate): CfnTemplate {
  const kept: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const named = resource.Metadata?.[RESOURCE_METADATA_KEY] !== undefined;
    const metadata = named
      ? { Metadata: { [RESOURCE_METADATA_KEY]: resource.Metadata?.[RESOURCE_METADATA_KEY] } }
      : {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::Role')
      kept[id] = { Type: resource.Type, Properties: resource.Properties, ...metadata };
    else if (resource.Type === 'AWS::Lambda::Function' && named)
      kept[id] = { Type: resource.Type, Properties: { Role: resource.Properties?.Role }, ...metadata };
    else if (named) kept[id] = { Type: resource.Type, ...metadata };
  }
  return { Resources: kept };
}
