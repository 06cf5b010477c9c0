import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentNames } from '../../lambdas/shared/environment';
import { campaignSenderMetrics } from '../../lambdas/campaigns/domain/sender-metrics';
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
  it('is a Lambda with the campaign, CRM and rate-limit tables and the API key secret in its environment', () => {
    expect(senderLogicalId).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('campaign'),
      Timeout: 120,
      Environment: {
        Variables: Match.objectLike({
          [environmentNames.campaignTable]: { Ref: Match.stringLikeRegexp('CampaignTable') },
          [environmentNames.crmTable]: { Ref: Match.stringLikeRegexp('CrmTable') },
          [environmentNames.rateLimitTable]: { Ref: Match.stringLikeRegexp('RateLimitTable') },
          [environmentNames.openPhoneApiKeySecret]: { Ref: Match.stringLikeRegexp('OpenPhoneApiKey') },
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

  it('pages for a paused campaign, a failed run, an unknown outcome or a parked recipient with one alarm on one metric', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
      JSON.stringify(alarm).includes('Campaign'),
    );
    // One alarm reading one metric ($0.10 a month), not an alarm and a 3-metric expression ($0.40).
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({
      Namespace: campaignSenderMetrics.namespace,
      MetricName: campaignSenderMetrics.senderTrouble,
      Dimensions: [{ Name: 'service', Value: 'openphone-bridge' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarms[0]!.Properties.AlarmDescription).toMatch(/paused.*failed.*unknown.*parked/);
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
