import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentNames } from '../../lambdas/shared/environment';
import { bridgeMetrics } from '../../lambdas/shared/metrics';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';

// One synthesis of the whole stack (bundling skipped), with cdk-nag: the sender as deployed.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new BridgeStack(app, 'Test', { config: readStageConfig({ stage: 'test' }) });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const template = Template.fromStack(stack);
const senderLogicalId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) =>
  id.includes('SenderFunction'),
)!;

describe('CampaignSender', () => {
  it('is a Lambda with the campaign, CRM and rate-limit tables and the API key parameter name in its environment', () => {
    expect(senderLogicalId).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('campaign'),
      Timeout: 120,
      Environment: {
        Variables: Match.objectLike({
          [environmentNames.campaignTable]: { Ref: Match.stringLikeRegexp('CampaignTable') },
          [environmentNames.crmTable]: { Ref: Match.stringLikeRegexp('CrmTable') },
          [environmentNames.rateLimitTable]: { Ref: Match.stringLikeRegexp('RateLimitTable') },
          [environmentNames.openPhoneApiKeyParameter]: '/openphone-bridge/test/openphone-api-key',
        }),
      },
    });
  });

  it('runs every minute from an EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [senderLogicalId, 'Arn'] } })],
    });
  });

  it('pages through the stack’s NeedsAttention alarm, not an alarm of its own', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Record<string, unknown>,
    );
    expect(alarms.filter((a) => JSON.stringify(a).includes('Campaign'))).toEqual([]);
    const attention = alarms.filter((a) => a.MetricName === bridgeMetrics.attention.needsAttention);
    expect(attention).toHaveLength(1);
    expect(attention[0]!.AlarmDescription).toMatch(
      /campaigns status <id>.*paused.*failed pass.*unknown.*parked/,
    );
  });

  it('may use the campaign table and its work index without wildcards', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [
              'dynamodb:GetItem',
              'dynamodb:BatchGetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:Query',
            ],
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('CampaignTable'), 'Arn'] },
              {
                'Fn::Join': [
                  '',
                  [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CampaignTable'), 'Arn'] }, '/index/byWorkKeys'],
                ],
              },
            ],
          }),
        ]),
      },
    });
  });

  it('may read suppressions but not write the CRM table', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const senderPolicy = Object.values(policies).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('SenderFunction'),
    )!;
    const crmStatements = (
      senderPolicy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]
    ).filter((s) => JSON.stringify(s.Resource).includes('CrmTable'));
    expect(crmStatements).toEqual([
      expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:Query'] }),
    ]);
  });

  it('passes the AwsSolutions checks with the rest of the stack (synth fails on any finding)', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
