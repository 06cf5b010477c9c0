import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentNames } from '../../lambdas/shared/environment';
import { CrmStore } from '../../lib/crm';
import { FollowUpAlarm, ReplyDueTimer } from '../../lib/follow-up';

/** The timer and the alarm on their own (bundling skipped); with cdk-nag, an unacknowledged finding throws. */
function followUpIn(withNag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const crm = new CrmStore(stack, 'Crm');
  const timer = new ReplyDueTimer(stack, 'ReplyDueTimer', {
    crm,
    followUp: { default: { timeZone: 'UTC', openingHours: {}, replyTargetMinutes: 5 }, byNumber: {} },
  });
  const topic = new Topic(stack, 'Topic', { enforceSSL: true });
  new FollowUpAlarm(stack, 'FollowUpAlarm', { topic, oldestWaitingBusinessMinutes: 45 });
  if (withNag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
  }
  return { stack, crm, timer, template: Template.fromStack(stack) };
}

const { stack, crm, timer, template } = followUpIn();
const tableId = stack.getLogicalId(crm.table.node.defaultChild as never);
const functionId = stack.getLogicalId(timer.timerFunction.node.defaultChild as never);

describe('ReplyDueTimer', () => {
  it('adds the reply-due timer’s index (shared with the day index) to the CRM table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'byTime',
          KeySchema: [
            { AttributeName: 'timePk', KeyType: 'HASH' },
            { AttributeName: 'timeSk', KeyType: 'RANGE' },
          ],
          // Shared with the day index (one new index per deploy): ids only.
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['entity', 'activityId'] },
        },
      ]),
    });
  });

  it('runs the timer every minute, without retries, with the stage’s follow-up settings', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    const variables = template.toJSON().Resources[functionId].Properties.Environment.Variables;
    expect(JSON.parse(variables[environmentNames.followUp])).toMatchObject({
      default: { replyTargetMinutes: 5 },
    });
    expect(variables[environmentNames.crmTable]).toEqual({ Ref: tableId });
  });

  it('may only query the two follow-up partitions and read and mark conversation records', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ReplyDueTimerTimerFunctionServiceRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/byTime']] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/byWaiting']] },
        ],
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['DUE', 'WAITING'] } },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONVERSATION#*'] } },
      },
    ]);
  });

  it('passes cdk-nag’s AwsSolutions checks', () => {
    expect(() => followUpIn(true)).not.toThrow();
  });
});

describe('FollowUpAlarm', () => {
  it('alarms, and clears, on the oldest waiting conversation’s business-minute age at the stage’s threshold', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'OpenPhoneBridge',
      MetricName: 'OldestWaitingBusinessMinutes',
      Dimensions: [{ Name: 'service', Value: 'openphone-bridge' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 45,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Topic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('Topic') }],
    });
  });
});
