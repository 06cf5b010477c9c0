import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { eventFamilies } from '../../lambdas/events/domain/event-types';
import { CampaignStore } from '../../lib/campaigns';
import { CrmStore } from '../../lib/crm';
import { EventProcessing } from '../../lib/event-processing';
import { EventSweeper } from '../../lib/events';
import { EventQueues } from '../../lib/events';
import { EventStore } from '../../lib/events';
import { BridgeParameters } from '../../lib/bridge-parameters';
import { RateLimitStore } from '../../lib/openphone';
import { consentReplySettings } from '../../lambdas/crm/domain/consent-replies';

// One synthesis for the file, without bundling the Lambda code.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Test');
const events = new EventStore(stack, 'EventStore');
const queues = new EventQueues(stack, 'EventQueues');
const crm = new CrmStore(stack, 'CrmStore');
const campaigns = new CampaignStore(stack, 'CampaignStore');
const processing = new EventProcessing(stack, 'EventProcessing', {
  events,
  queues,
  crm,
  campaigns,
  campaignReplyWindowDays: 5,
  consentYesWindowHours: 48,
  consentOptInWords: ['JOIN', 'REJOIN'],
});
const sweeper = new EventSweeper(stack, 'EventSweeper', {
  events,
  queues,
  schedule: 'rate(3 minutes)',
  stuckAfterMinutes: 15,
  maxRedispatches: 7,
});
const template = Template.fromStack(stack);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);

/** Every statement of the policies attached to a function's role. */
function statementsOf(fn: { role?: { node: { defaultChild?: unknown } } }): Statement[] {
  const roleId = logicalId(fn.role!);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOn = (statements: Statement[], prefix: string) =>
  statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith(prefix));
const resourcesOf = (statements: Statement[], prefix: string) =>
  statements
    .filter((s) => [s.Action].flat().some((a) => a.startsWith(prefix)))
    .flatMap((s) => [s.Resource].flat());

describe('EventStore', () => {
  it('files events by arrival hour in a keys-only index, so closing an event writes no entry there', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'byArrival',
          KeySchema: [
            { AttributeName: 'arrivalHour', KeyType: 'HASH' },
            { AttributeName: 'receivedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ]),
    });
  });
});

describe('EventProcessing', () => {
  it('runs one processor per family on Node.js 22, ARM64, with a 30 s timeout', () => {
    for (const family of eventFamilies) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: 30,
        Environment: { Variables: Match.objectLike({ EVENT_FAMILY: family }) },
      });
    }
  });

  it('tells the messages processor, and only it, the campaign table, reply window and consent settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EVENT_FAMILY: 'messages',
          CAMPAIGN_TABLE_NAME: { Ref: logicalId(campaigns.table) },
          CAMPAIGN_REPLY_WINDOW_DAYS: '5',
          CONSENT_YES_WINDOW_HOURS: '48',
          CONSENT_OPT_IN_WORDS: 'JOIN,REJOIN',
        }),
      },
    });
    const others = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) => {
      const variables = (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } })
        .Properties.Environment?.Variables;
      return variables?.EVENT_FAMILY !== undefined && variables.EVENT_FAMILY !== 'messages';
    });
    expect(others).toHaveLength(eventFamilies.length - 1);
    for (const fn of others) expect(JSON.stringify(fn)).not.toContain('CAMPAIGN_TABLE_NAME');
  });

  it('feeds each processor from its family queue in batches of 10 with partial batch failures', () => {
    for (const family of eventFamilies) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(queues.byFamily[family].queue), 'Arn'] },
        FunctionName: { Ref: logicalId(processing.processors[family]) },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('lets a processor get and update event records, write CRM items, queue archive jobs and (messages only) track campaigns, nothing more', () => {
    const eventsTable = logicalId(events.table);
    const crmTable = logicalId(crm.table);
    const campaignTable = logicalId(campaigns.table);
    for (const family of eventFamilies) {
      const statements = statementsOf(processing.processors[family]);
      const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
      expect(dynamo).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [eventsTable, 'Arn'] },
          }),
          expect.objectContaining({
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:ConditionCheckItem',
            ],
            Resource: { 'Fn::GetAtt': [crmTable, 'Arn'] },
          }),
        ]),
      );
      const campaignTracking = dynamo.filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [campaignTable, 'Arn'] }),
      );
      if (family === 'messages')
        // Campaign tracking: keyed reads of message lookups and recipient rows, a query of a
        // number's links, and conditional updates of campaign partitions; no put, no index.
        expect(campaignTracking).toEqual([
          expect.objectContaining({
            Action: 'dynamodb:GetItem',
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGNMSG#*'] },
            },
          }),
          expect.objectContaining({
            Action: 'dynamodb:GetItem',
            Condition: expect.objectContaining({
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGN#*'] },
              StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
            }),
          }),
          expect.objectContaining({
            Action: 'dynamodb:Query',
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RECIPIENTOF#*'] } },
          }),
          expect.objectContaining({
            Action: 'dynamodb:UpdateItem',
            // No return values: an update must not read a recipient row's CSV fields back.
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CAMPAIGN#*'] },
              StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
            },
          }),
        ]);
      else expect(campaignTracking).toEqual([]);
      expect(dynamo).toHaveLength(family === 'messages' ? 6 : 2);
      expect(actionsOn(statements, 's3:')).toEqual([]);
      // Its own queue to consume, the archive queue to send to: no other queue.
      const queueArns = resourcesOf(statements, 'sqs:').map((r) => JSON.stringify(r));
      expect(new Set(queueArns)).toEqual(
        new Set([
          JSON.stringify({ 'Fn::GetAtt': [logicalId(queues.byFamily[family].queue), 'Arn'] }),
          JSON.stringify({ 'Fn::GetAtt': [logicalId(processing.archiveQueue), 'Arn'] }),
        ]),
      );
      expect(actionsOn(statements, 'sqs:').filter((a) => a.startsWith('sqs:Send'))).toEqual([
        'sqs:SendMessage',
      ]);
    }
  });

  it("gives the archiver OpenPhone's media hosts as its allow-list", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Copies OpenPhone media'),
      Environment: { Variables: Match.objectLike({ MEDIA_HOSTS: 'm.openph.one,storage.googleapis.com' }) },
    });
  });

  it('lets the archiver only put (and delete) objects under media/, update CRM items and consume the archive queue', () => {
    const statements = statementsOf(processing.archiveFunction);
    expect(actionsOn(statements, 's3:')).toEqual(['s3:PutObject', 's3:DeleteObject']);
    expect(resourcesOf(statements, 's3:')).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(processing.mediaBucket), 'Arn'] }, '/media/*']] },
    ]);
    expect(actionsOn(statements, 'dynamodb:')).toEqual(['dynamodb:UpdateItem']);
    expect(resourcesOf(statements, 'dynamodb:')).toEqual([{ 'Fn::GetAtt': [logicalId(crm.table), 'Arn'] }]);
    expect(new Set(resourcesOf(statements, 'sqs:'))).toEqual(
      new Set([{ 'Fn::GetAtt': [logicalId(processing.archiveQueue), 'Arn'] }]),
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(processing.archiveQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('keeps media in a private, encrypted, TLS-only bucket that outlives the stack', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('retries archive jobs on their own queue and dead-letters them after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * EventProcessing.archiverTimeout.toSeconds(),
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(processing.archiveDeadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
      SqsManagedSseEnabled: true,
    });
  });
});

describe('EventProcessing with consent replies', () => {
  it('gives only the messages processor the reply settings, the API key and the rate limit when replies are on', () => {
    const replyApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const replyStack = new Stack(replyApp, 'Replies');
    const parameters = new BridgeParameters('test');
    const rateLimit = new RateLimitStore(replyStack, 'RateLimit');
    new EventProcessing(replyStack, 'EventProcessing', {
      events: new EventStore(replyStack, 'EventStore'),
      queues: new EventQueues(replyStack, 'EventQueues'),
      crm: new CrmStore(replyStack, 'CrmStore'),
      campaigns: new CampaignStore(replyStack, 'CampaignStore'),
      consentReplies: {
        settings: consentReplySettings.parse({ enabled: true }),
        apiKey: parameters.apiKey,
        rateLimit,
      },
    });
    const replyTemplate = Template.fromStack(replyStack);
    const withReplies = Object.values(replyTemplate.findResources('AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(fn).includes('CONSENT_REPLIES'),
    );
    expect(withReplies).toHaveLength(1);
    expect(JSON.stringify(withReplies[0])).toContain('"EVENT_FAMILY":"messages"');
    // Off (the default, as in the stack above): no processor is told of replies.
    expect(JSON.stringify(template.toJSON())).not.toContain('CONSENT_REPLIES');
  });
});

describe('EventSweeper', () => {
  it('runs on the stage schedule, without EventBridge retries (the next run is the retry)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(3 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(sweeper.sweepFunction), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });

  it('tells the function the stuck age, the re-dispatch limit, the table and every family queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STUCK_EVENT_AFTER_MINUTES: '15',
          MAX_EVENT_REDISPATCHES: '7',
          EVENTS_TABLE_NAME: { Ref: logicalId(events.table) },
          ...Object.fromEntries(
            eventFamilies.map((f) => [
              `QUEUE_URL_${f.toUpperCase().replace(/-/g, '_')}`,
              { Ref: logicalId(queues.byFamily[f].queue) },
            ]),
          ),
        }),
      },
    });
  });

  it('may only query the byStatus and byArrival indexes, read and update events, and send to the family queues', () => {
    const statements = statementsOf(sweeper.sweepFunction);
    expect(actionsOn(statements, 'dynamodb:').sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const tableArn = { 'Fn::GetAtt': [logicalId(events.table), 'Arn'] };
    const query = statements.find((s) => [s.Action].flat().includes('dynamodb:Query'))!;
    expect(query.Resource).toEqual([
      { 'Fn::Join': ['', [tableArn, '/index/byStatus']] },
      { 'Fn::Join': ['', [tableArn, '/index/byArrival']] },
    ]);
    const writes = statements.find((s) => [s.Action].flat().includes('dynamodb:UpdateItem'))!;
    expect(writes.Resource).toEqual(tableArn);
    expect(actionsOn(statements, 'sqs:')).not.toContain('sqs:ReceiveMessage');
    const queueArns = resourcesOf(statements, 'sqs:SendMessage');
    expect(queueArns).toEqual(
      eventFamilies.map((f) => ({ 'Fn::GetAtt': [logicalId(queues.byFamily[f].queue), 'Arn'] })),
    );
  });
});
