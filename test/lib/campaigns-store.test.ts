import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { campaignTableKeys, sentRowAttributes } from '../../lambdas/campaigns/domain/campaign-keys';
import { CampaignStore } from '../../lib/campaigns';
import { synthBridgeStack } from '../../local/synth';

function storeIn(props: ConstructorParameters<typeof CampaignStore>[2] = {}) {
  const stack = new Stack(new App(), 'Test');
  const store = new CampaignStore(stack, 'Campaigns', props);
  return { stack, store, template: () => Template.fromStack(stack) };
}

describe('CampaignStore', () => {
  it('is one on-demand table with point-in-time recovery and AWS-managed encryption, retained', () => {
    const t = storeIn().template();
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [
          { AttributeName: campaignTableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: campaignTableKeys.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: campaignTableKeys.expiresAt, Enabled: true },
      }),
    });
  });

  it('has the sparse work index of running campaigns and open recipients, projecting nothing a claim changes', () => {
    storeIn()
      .template()
      .hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          {
            IndexName: campaignTableKeys.workIndex,
            KeySchema: [
              { AttributeName: campaignTableKeys.workPartitionKey, KeyType: 'HASH' },
              { AttributeName: campaignTableKeys.workSortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['campaignId'] },
          },
        ],
      });
  });

  it('keeps the retired byWork index beside the new one only when asked: the first of a live stack’s two upgrade deploys', () => {
    const indexNames = (props: Parameters<typeof storeIn>[0]) =>
      (
        Object.values(storeIn(props).template().findResources('AWS::DynamoDB::Table'))[0]!.Properties
          .GlobalSecondaryIndexes as { IndexName: string }[]
      ).map((index) => index.IndexName);
    expect(indexNames({})).toEqual([campaignTableKeys.workIndex]);
    expect(indexNames({ keepRetiredWorkIndex: true })).toEqual([campaignTableKeys.workIndex, 'byWork']);
  });

  it('can be destroyed with the stack when asked', () => {
    storeIn({ removalPolicy: RemovalPolicy.DESTROY })
      .template()
      .hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('grants read/write on the table and its index', () => {
    const { stack, store, template } = storeIn();
    const role = new Role(stack, 'Sender', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    store.grantReadWriteData(role);
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
            Resource: Match.arrayWith([
              {
                'Fn::Join': [
                  '',
                  [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CampaignTable'), 'Arn'] }, '/index/*'],
                ],
              },
            ]),
          }),
        ]),
      },
    });
  });

  it('grants campaign tracking keyed reads of lookups and of what a send recorded, queries of a number’s links and updates of campaign partitions: no put or index', () => {
    const { stack, store, template } = storeIn();
    const role = new Role(stack, 'Processor', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    store.grantTrackingAccess(role);
    const statements = Object.values(template().findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[],
    );
    const table = { 'Fn::GetAtt': [expect.stringMatching(/CampaignTable/), 'Arn'] };
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: table,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGNMSG#*'] },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: table,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGN#*'] },
          // What a send recorded, never the number's CSV fields or the campaign's definition.
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [...sentRowAttributes],
          },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: table,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RECIPIENTOF#*'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: table,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGN#*'] },
          // An update returns nothing: ReturnValues ALL_OLD would read a whole row, CSV fields and all.
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      },
    ]);
  });

  it('passes the AwsSolutions checks (synth fails on any finding)', () => {
    const app = new App();
    new CampaignStore(new Stack(app, 'Nagged'), 'Campaigns');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('is part of the bridge stack', () => {
    const { stack, template } = synthBridgeStack();
    expect(stack.campaigns.table).toBeDefined();
    const tables = Object.entries(template.Resources).filter(
      ([id, r]) => id.includes('CampaignTable') && r.Type === 'AWS::DynamoDB::Table',
    );
    expect(tables).toHaveLength(1);
  });
});
