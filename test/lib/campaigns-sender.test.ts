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

  it('alarms when a campaign is paused by an error', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: campaignSenderMetrics.namespace,
      MetricName: campaignSenderMetrics.pausedByError,
      Dimensions: [{ Name: 'service', Value: 'openphone-bridge' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on a failed campaign run, an unknown send outcome or a parked recipient, in one alarm', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
      JSON.stringify(alarm).includes(campaignSenderMetrics.recipientsParked),
    );
    expect(alarms).toHaveLength(1);
    const metrics = (
      alarms[0]!.Properties.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]
    ).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(metrics.sort()).toEqual(
      [
        campaignSenderMetrics.campaignRunsFailed,
        campaignSenderMetrics.recipientsParked,
        campaignSenderMetrics.sendOutcomeUnknown,
      ].sort(),
    );
    expect(alarms[0]!.Properties).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
  });

  it('may use the campaign table and its work index without wildcards', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('CampaignTable'), 'Arn'] },
              {
                'Fn::Join': [
                  '',
                  [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CampaignTable'), 'Arn'] }, '/index/byWork'],
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
