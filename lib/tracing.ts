import type { IAspect } from 'aws-cdk-lib';
import { CfnStage } from 'aws-cdk-lib/aws-apigateway';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { acceptNagFinding } from './nag';

/**
 * `tracing: off` (the default), as a CDK aspect over the stack: no X-Ray on any function
 * (`PassThrough`: nothing upstream sends a sampled header), state machine or REST API stage; the
 * functions' bundles hold no tracer at all (lib/bridge-function.ts). X-Ray was the largest share
 * of the per-webhook cost, and Lambda's sampling cannot be set below its default (the first
 * request each second and 5 % of the rest: at a webhook or two a second, nearly all).
 */
export class TracingOff implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnFunction) node.tracingConfig = { mode: 'PassThrough' };
    if (node instanceof CfnStage) node.tracingEnabled = false;
    if (node instanceof CfnStateMachine) {
      // Explicitly off: a dropped property leaves tracing on for a deployed state machine.
      node.tracingConfiguration = { enabled: false };
      acceptNagFinding(node, 'SF2', 'X-Ray turned off by the stage config (tracing: off) to save its cost.');
    }
  }
}
