/**
 * `import { Optline } from 'optline'`: the platform as a CDK construct for an app of your own
 * (docs/deploy.md, "Optline in your own CDK app"), with the config types and the cdk-nag wiring the
 * stack of this repository uses.
 */
export { Optline, OptlineStack, type OptlineProps, type OptlineStackProps } from './optline-stack';
export { ConfigError, type DeploymentConfig, type DeploymentConfigInput } from './config';
export { addNagChecks } from './constructs/nag';
