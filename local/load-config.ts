/** Reads the deployment config from cdk.json context, exactly as `cdk synth` does. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configFromContext, type DeploymentConfig } from '../lib/config';

export function loadLocalConfig(root: string, override?: string): DeploymentConfig {
  if (override) return configFromContext(override);
  const cdkJson = JSON.parse(readFileSync(resolve(root, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return configFromContext(cdkJson.context?.optline);
}
