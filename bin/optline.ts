#!/usr/bin/env node
/** CDK app entry: `npx cdk synth` / `npx cdk deploy`. The config is the `optline` key of cdk.json context. */
import { App } from 'aws-cdk-lib';
import { configFromContext, ConfigError } from '../lib/config';
import { addNagChecks } from '../lib/constructs/nag';
import { OptlineStack } from '../lib/optline-stack';

const app = new App();
let config;
try {
  config = configFromContext(app.node.tryGetContext('optline'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
new OptlineStack(app, `Optline-${config.stage}`, {
  config,
  description: `Optline SMS marketing and consent platform for ${config.program.brand}`,
});
// AwsSolutions checks on every synth: an unacknowledged error fails `cdk synth` (and `cdk deploy`).
addNagChecks(app);
