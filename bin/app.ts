#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BridgeStack } from '../lib/bridge-stack';
import { readStageConfig } from '../lib/config';

const app = new App();
const config = readStageConfig({
  stage: app.node.tryGetContext('stage'),
  stages: app.node.tryGetContext('stages'),
});
new BridgeStack(app, `OpenPhoneBridge-${config.stageName}`, {
  config,
  description: `OpenPhone Bridge (${config.stageName})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
