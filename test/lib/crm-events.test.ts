import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { environmentNames } from '../../lambdas/shared/environment';
import { CampaignStore } from '../../lib/campaigns';
import { CrmStore } from '../../lib/crm';
import { CrmEvents } from '../../lib/crm-events';

/** Synthesizes the construct (bundling skipped); with cdk-nag, any unacknowledged finding throws. */
function crmEventsIn(props: { includeText?: boolean } = {}, withNag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const crm = new CrmStore(stack, 'Crm');
  const campaigns = new CampaignStore(stack, 'Campaigns');
  const events = new CrmEvents(stack, 'CrmEvents', { crm, campaigns, ...props });
  if (withNag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
  }
  return { stack, crm, campaigns, events, template: Template.fromStack(stack) };
}

const { stack, crm, campaigns, events, template } = crmEventsIn();
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe('CrmEvents', () => {
  it('creates the bus and streams both tables with old and new images', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    for (const table of [crm.table, campaigns.table])
      expect(template.toJSON().Resources[idOf(table)].Properties.StreamSpecification).toEqual({
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
  });

  it('reads both streams with bisect, item failures, retries until the record ages out, and a DLQ', () => {
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings)).toHaveLength(2);
    const tablesRead = Object.values(mappings).map(
      (m) => (m.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'],
    );
    expect(tablesRead).toEqual(
      expect.arrayContaining([
        [idOf(crm.table), 'StreamArn'],
        [idOf(campaigns.table), 'StreamArn'],
      ]),
    );
    for (const mapping of Object.values(mappings))
      expect(mapping.Properties).toMatchObject({
        FunctionName: { Ref: idOf(events.publishFunction) },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: 86_400,
        ParallelizationFactor: 1,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [idOf(events.publishFailures), 'Arn'] } },
        },
      });
  });

  it('hands the Lambda only the writes that can make an event', () => {
    const patterns = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) =>
      JSON.parse((m.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern),
    );
    expect(patterns).toEqual(
      expect.arrayContaining([
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: {
            NewImage: {
              entity: {
                S: ['activity', 'contact', 'suppression', 'erasure-audit', 'erased-activity', 'conversation'],
              },
            },
          },
        },
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: {
            NewImage: { entity: { S: ['campaign'] }, state: { M: { status: { S: ['completed'] } } } },
          },
        },
      ]),
    );
  });

  it('may put events on its own bus only, and leaves text out by default', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'events:PutEvents',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [idOf(events.bus), 'Arn'] },
          },
        ]),
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const eventActions = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    expect(eventActions).toHaveLength(1);
    // Nothing but stream reads on the tables: no item reads or writes.
    const tableActions = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'))
      .sort();
    expect([...new Set(tableActions)]).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [environmentNames.crmEventBus]: { Ref: idOf(events.bus) },
          [environmentNames.crmEventsIncludeText]: 'false',
        }),
      },
    });
  });

  it('passes the stage setting that allows text', () => {
    crmEventsIn({ includeText: true }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [environmentNames.crmEventsIncludeText]: 'true' }) },
    });
  });

  it('is cdk-nag clean', () => {
    expect(() => crmEventsIn({}, true)).not.toThrow();
  });
});
