import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { writeFileSync } from 'node:fs';
import { BridgeStack } from '../lib/bridge-stack';
import { readStageConfig, type StageConfig } from '../lib/config';
import type { CfnTemplate } from './cfn-tables';

/**
 * Synthesizes the bridge stack in-process without bundling Lambda code, for the local replica and
 * the tests: the template is the one `cdk deploy` would use, minus the code assets.
 */
export function synthBridgeStack(config: Partial<StageConfig> = {}): {
  stack: BridgeStack;
  template: CfnTemplate;
} {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BridgeStack(app, 'OpenPhoneBridge-local', {
    config: { ...readStageConfig({ stage: 'local' }), ...config },
  });
  return { stack, template: Template.fromStack(stack).toJSON() as CfnTemplate };
}

// `node --import tsx local/synth.ts <out.json>` writes the template: the tests' global setup runs it
// in a plain Node process, where aws-cdk-lib loads several times faster than inside jest.
if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx local/synth.ts <template.json>');
    process.exit(2);
  }
  writeFileSync(out, JSON.stringify(synthBridgeStack().template));
}
