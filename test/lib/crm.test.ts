import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  activityListAttributes,
  crmTableKeys,
  suppressionListAttributes,
  waitingIndexAttributes,
} from '../../lambdas/crm/domain/crm-keys';
import { CrmStore } from '../../lib/crm';
import { synthBridgeStack } from '../../local/synth';

function storeIn(props: ConstructorParameters<typeof CrmStore>[2] = {}) {
  const stack = new Stack(new App(), 'Test');
  const store = new CrmStore(stack, 'Crm', props);
  return { stack, store, template: () => Template.fromStack(stack) };
}

describe('CrmStore', () => {
  it('is one on-demand table with point-in-time recovery and AWS-managed encryption, retained', () => {
    const { template } = storeIn();
    const t = template();
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [
          { AttributeName: crmTableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: crmTableKeys.sortKey, KeyType: 'RANGE' },
        ],
      }),
    });
  });

  it('expires items by the TTL attribute the activity writers set when a retention is configured', () => {
    const { template } = storeIn();
    template().hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: crmTableKeys.expiresAt, Enabled: true },
    });
  });

  it('has the timeline, conversation, suppression-list, waiting, reply-due and day indexes; the activity ones carry no attribute an update changes', () => {
    const { template } = storeIn();
    const index = (name: string, pk: string, sk: string) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: pk, KeyType: 'HASH' },
        { AttributeName: sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['entity', 'activityId'] },
    });
    template().hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        index(crmTableKeys.timelineIndex, crmTableKeys.timelinePartitionKey, crmTableKeys.timelineSortKey),
        index(
          crmTableKeys.conversationIndex,
          crmTableKeys.conversationPartitionKey,
          crmTableKeys.conversationSortKey,
        ),
        {
          IndexName: crmTableKeys.suppressionListIndex,
          KeySchema: [
            { AttributeName: crmTableKeys.suppressionListPartitionKey, KeyType: 'HASH' },
            { AttributeName: crmTableKeys.suppressionListSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...suppressionListAttributes] },
        },
        {
          IndexName: crmTableKeys.waitingIndex,
          KeySchema: [
            { AttributeName: crmTableKeys.waitingPartitionKey, KeyType: 'HASH' },
            { AttributeName: crmTableKeys.waitingSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...waitingIndexAttributes] },
        },
        {
          IndexName: crmTableKeys.replyDueIndex,
          KeySchema: [
            { AttributeName: crmTableKeys.replyDuePartitionKey, KeyType: 'HASH' },
            { AttributeName: crmTableKeys.replyDueSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        index(
          crmTableKeys.activityDayIndex,
          crmTableKeys.activityDayPartitionKey,
          crmTableKeys.activityDaySortKey,
        ),
      ],
    });
    expect(activityListAttributes).not.toContain('transcript');
  });

  it('can be destroyed with the stack when asked', () => {
    const { template } = storeIn({ removalPolicy: RemovalPolicy.DESTROY });
    template().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('grants the suppression check as GetItem and Query on the table only, in numbers’ partitions', () => {
    const { stack, store, template } = storeIn();
    const role = new Role(stack, 'Sender', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    store.grantSuppressionRead(role);
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['dynamodb:GetItem', 'dynamodb:Query'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('CrmTable'), 'Arn'] },
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['NUMBER#*'] } },
          }),
        ],
      },
    });
  });

  it('grants read/write on the table and its indexes', () => {
    const { stack, store, template } = storeIn();
    const role = new Role(stack, 'Processor', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    store.grantReadWriteData(role);
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
            Resource: Match.arrayWith([
              {
                'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CrmTable'), 'Arn'] }, '/index/*']],
              },
            ]),
          }),
        ]),
      },
    });
  });

  it('passes the AwsSolutions checks (synth fails on any finding)', () => {
    const app = new App();
    new CrmStore(new Stack(app, 'Nagged'), 'Crm');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('is part of the bridge stack', () => {
    const { stack, template } = synthBridgeStack();
    expect(stack.crm.table).toBeDefined();
    const tables = Object.entries(template.Resources).filter(
      ([id, r]) => id.includes('CrmTable') && r.Type === 'AWS::DynamoDB::Table',
    );
    expect(tables).toHaveLength(1);
  });
});
