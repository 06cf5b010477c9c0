import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventFamilies } from '../../lambdas/events/domain/event-types';
import { gatewayRoutes } from '../../lambdas/crm-api';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';

/** Two syntheses for the file (bundling skipped): the default stage, and one with WAF and no archiver reservation. */
function synth(stage: Record<string, unknown>, withNag = false): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BridgeStack(app, 'Test', {
    config: readStageConfig({ stage: 'test', stages: { test: stage } }),
  });
  if (withNag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth(); // throws on any unacknowledged finding
  }
  return Template.fromStack(stack);
}
const template = synth({});
const wafStage = {
  waf: { enabled: true, rateLimitPer5Min: 3000 },
  reservedConcurrency: { mediaArchiver: null },
};

type Resource = { Properties: Record<string, unknown> };
const resourcesOf = (t: Template, type: string) => t.findResources(type) as Record<string, Resource>;
/** Logical ids without CDK's hash suffix: `EventStoreEventsTableDBBB9620` → `EventStoreEventsTable`. */
const trim = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const functionNamed = (name: string) => Object.entries(functions).find(([id]) => trim(id) === name)![1];

describe('least privilege: what each function can reach', () => {
  const tables = new Set(Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table')));
  const queues = new Set(Object.keys(resourcesOf(template, 'AWS::SQS::Queue')));
  const pascal = (family: string) =>
    family
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('');

  /** The tables, indexes, streams and queues a function's role policies name, by trimmed logical id. */
  function reachOf(functionName: string): string[] {
    const role = (functionNamed(functionName).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      );
    const reach = new Set<string>();
    for (const statement of statements) {
      const actions = [statement.Action].flat() as string[];
      if (!actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:'))) continue;
      for (const resource of [statement.Resource].flat()) {
        if (resource === '*') {
          // Listing streams has no resource-level permission; nothing else may be unscoped.
          if (actions.join() !== 'dynamodb:ListStreams') reach.add('*');
          continue;
        }
        const joined = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
        const [target, suffix] = joined ? [joined[1][0], joined[1].slice(1).join('')] : [resource, ''];
        const [id, attribute] = (target as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
        if (!tables.has(id) && !queues.has(id)) continue;
        reach.add(trim(id) + (attribute === 'StreamArn' ? '/stream' : '') + suffix);
      }
    }
    return [...reach].sort();
  }

  const events = 'EventStoreEventsTable';
  const crm = 'CrmStoreCrmTable';
  const campaigns = 'CampaignStoreCampaignTable';
  const rateLimit = 'RateLimitRateLimitTable';
  const imports = 'ImportStoreImportTable';
  const archiveQueue = 'EventProcessingArchiveQueue';
  const familyQueue = (f: string) => `EventQueues${pascal(f)}Queue`;

  /** Grants another feature may add on purpose, checked by its own tests (campaign tracking, import indexes). */
  const mayAlsoReach: Record<string, RegExp> = {
    EventProcessingMessagesProcessor: new RegExp(`^${campaigns}`),
    HistoryImportImportFunction: new RegExp(`^${imports}/index/`),
  };
  const expected: Record<string, string[]> = {
    // Each new event is handed to its family queue (and a redelivered stuck one again).
    WebhookIngestIngestFunction: [events, ...eventFamilies.map(familyQueue)],
    // It also reads each dead-letter queue's depth (only sqs:GetQueueAttributes: test/lib/monitoring.test.ts).
    EventSweeperSweepFunction: [
      events,
      `${events}/index/byStatus`,
      `${events}/index/byArrival`,
      ...eventFamilies.map(familyQueue),
      ...eventFamilies.map((f) => `EventQueues${pascal(f)}DeadLetterQueue`),
      'EventProcessingArchiveDeadLetterQueue',
      'CrmEventsPublishFailures',
    ],
    ...Object.fromEntries(
      eventFamilies.map((f) => [
        `EventProcessing${pascal(f)}Processor`,
        [events, crm, archiveQueue, familyQueue(f)],
      ]),
    ),
    EventProcessingArchiveFunction: [crm, archiveQueue],
    // Conversation records only (a LeadingKeys condition; test/lib/follow-up.test.ts).
    ReplyDueTimerTimerFunction: [crm, `${crm}/index/byTime`, `${crm}/index/byWaiting`],
    CampaignSenderSenderFunction: [campaigns, `${campaigns}/index/byWorkKeys`, crm, rateLimit],
    // Its conversation index: a conversation OpenPhone deleted has its activities marked.
    HistoryImportImportFunction: [imports, crm, `${crm}/index/byConversation`, rateLimit],
    // The CRM events publisher reads the two streams (its only tables) and fails batches to its queue.
    CrmEventsPublishFunction: [`${crm}/stream`, `${campaigns}/stream`, 'CrmEventsPublishFailures'],
    // The CRM API reads records, their timeline and conversation indexes, the waiting queue and the
    // day index (the response-time report),
    // writes CRM items by key (its messages, contacts, suppressions) and takes interactive OpenPhone
    // rate-limit tokens; an erase blanks webhook bodies found by `byObject` and rewrites campaign
    // recipient rows.
    CrmApiApiFunction: [
      crm,
      `${crm}/index/byContactNumber`,
      `${crm}/index/byConversation`,
      `${crm}/index/byWaiting`,
      `${crm}/index/byTime`,
      rateLimit,
      events,
      `${events}/index/byObject`,
      campaigns,
    ],
  };

  it('covers every function of the stack', () => {
    expect(Object.keys(functions).map(trim).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s reaches exactly the tables and queues it uses', (name, uses) => {
    const allowed = mayAlsoReach[name];
    const reach = reachOf(name).filter((r) => !allowed?.test(r));
    expect(reach).toEqual([...uses].sort());
  });

  it('keeps the ingest off the CRM and the sender off the events table', () => {
    expect(reachOf('WebhookIngestIngestFunction')).not.toContain(crm);
    expect(reachOf('CampaignSenderSenderFunction')).not.toContain(events);
    for (const family of eventFamilies.filter((f) => f !== 'messages'))
      expect(reachOf(`EventProcessing${pascal(family)}Processor`).join()).not.toContain(campaigns);
  });
});

describe('least privilege by key condition (dynamodb:LeadingKeys)', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
  function statementsOf(functionName: string, table: string): Statement[] {
    const role = (functionNamed(functionName).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => JSON.stringify(s.Resource).includes(table));
  }
  const leadingKeys = (s: Statement) =>
    (s.Condition?.['ForAllValues:StringLike'] as { 'dynamodb:LeadingKeys'?: string[] } | undefined)?.[
      'dynamodb:LeadingKeys'
    ];

  it('lets the campaign sender read the CRM table only in numbers’ partitions (suppressions), never activities', () => {
    const statements = statementsOf('CampaignSenderSenderFunction', 'CrmStoreCrmTable');
    expect(statements).toEqual([expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:Query'] })]);
    expect(leadingKeys(statements[0]!)).toEqual(['NUMBER#*']);
  });

  it('lets the messages processor read only lookups and what a send recorded, query only numbers’ links and update only campaign partitions', () => {
    const statements = statementsOf('EventProcessingMessagesProcessor', 'CampaignStoreCampaignTable');
    const byAction = statements.map((s) => [[s.Action].flat().join(), leadingKeys(s)]);
    expect(byAction).toEqual([
      ['dynamodb:GetItem', ['CAMPAIGNMSG#*']],
      // Only what a send recorded (a dynamodb:Attributes condition; test/lib/campaigns-store.test.ts).
      ['dynamodb:GetItem', ['CAMPAIGN#*']],
      ['dynamodb:Query', ['RECIPIENTOF#*']],
      ['dynamodb:UpdateItem', ['CAMPAIGN#*']],
    ]);
  });
});

describe('tracing', () => {
  it('is off by default: no X-Ray on any function, the state machine or the REST API stage', () => {
    const off = synth(wafStage); // the WAF tests below run cdk-nag on this stage
    const offFunctions = Object.values(resourcesOf(off, 'AWS::Lambda::Function'));
    expect(offFunctions.length).toBe(Object.keys(functions).length);
    for (const fn of offFunctions) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'PassThrough' });
    for (const machine of Object.values(resourcesOf(off, 'AWS::StepFunctions::StateMachine')))
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: false });
    off.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
    // No function may write traces it does not record.
    const functionPolicies = Object.entries(resourcesOf(off, 'AWS::IAM::Policy')).filter(([id]) =>
      id.includes('Function'),
    );
    expect(functionPolicies.length).toBeGreaterThan(0);
    expect(JSON.stringify(functionPolicies)).not.toContain('xray:');
  });

  it('can be turned on by the stage config: X-Ray on every function and the import state machine, cdk-nag clean', () => {
    const active = synth({ ...wafStage, tracing: 'active' }, true);
    for (const fn of Object.values(resourcesOf(active, 'AWS::Lambda::Function')))
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    active.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
    });
    active.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });

  const lambdasDir = path.join(__dirname, '../../lambdas');
  const entries = (readdirSync(lambdasDir, { recursive: true }) as string[]).filter(
    (f) => path.basename(f) === 'handler.ts',
  );

  it.each(entries)('%s traces through the tracing switch and captures every AWS SDK client', (file) => {
    const source = readFileSync(path.join(lambdasDir, file), 'utf8');
    expect(source).toMatch(/\.use\(tracing\.middleware\)/);
    expect(source).not.toContain('@aws-lambda-powertools/tracer'); // only lambdas/shared/tracing.ts loads it
    const clients = source.match(/new \w+Client\(\{\}\)/g) ?? [];
    expect(clients.length).toBeGreaterThan(0);
    const captured = source.match(/tracing\.captureAWSv3Client\(new \w+Client\(\{\}\)\)/g) ?? [];
    expect(captured).toHaveLength(clients.length);
  });

  it.each(entries)('%s never logs the incoming event, even with POWERTOOLS_LOGGER_LOG_EVENT set', (file) => {
    const source = readFileSync(path.join(lambdasDir, file), 'utf8');
    expect(source).toMatch(/injectLambdaContext\(logger, \{ logEvent: false \}\)/);
  });
});

describe('reserved concurrency', () => {
  it('reserves concurrency for the media archiver, the import and the campaign sender only', () => {
    const reserved = Object.fromEntries(
      Object.entries(functions)
        .filter(([, f]) => f.Properties.ReservedConcurrentExecutions !== undefined)
        .map(([id, f]) => [trim(id), f.Properties.ReservedConcurrentExecutions]),
    );
    expect(reserved).toEqual({
      EventProcessingArchiveFunction: 5,
      HistoryImportImportFunction: 3,
      CampaignSenderSenderFunction: 3,
    });
  });
});

describe('encryption at rest and TLS only', () => {
  it('encrypts every table, queue, topic and bucket', () => {
    for (const t of Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')))
      expect(t.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    for (const q of Object.values(resourcesOf(template, 'AWS::SQS::Queue')))
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    for (const topic of Object.values(resourcesOf(template, 'AWS::SNS::Topic')))
      expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    for (const b of Object.values(resourcesOf(template, 'AWS::S3::Bucket')))
      expect(b.Properties.BucketEncryption).toBeDefined();
  });

  it('denies non-TLS access in every queue, topic and bucket policy', () => {
    const denyPlainHttp = expect.objectContaining({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const policies = [
      ...Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy')),
      ...Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')),
      ...Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')),
    ];
    const queuesAndTopicsAndBuckets =
      Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).length +
      Object.keys(resourcesOf(template, 'AWS::SNS::Topic')).length +
      Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).length;
    expect(policies).toHaveLength(queuesAndTopicsAndBuckets);
    for (const policy of policies)
      expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
        denyPlainHttp,
      );
  });
});

describe('WAF', () => {
  it('is off by default: an HTTP API, no WebACL', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
  });

  describe('when enabled (the REST API front door)', () => {
    const waf = synth(wafStage, true); // cdk-nag clean, or this throws

    it('puts a regional WebACL with a per-IP rate limit on the REST API stage that serves the webhook path', () => {
      // The webhook moves to the REST API; the only HTTP API left is the CRM API's own.
      waf.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      // …with one route per row of the CRM API's routes table, all under /v1 (none is the webhook's).
      waf.resourceCountIs('AWS::ApiGatewayV2::Route', gatewayRoutes().length);
      for (const route of gatewayRoutes())
        waf.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}` });
      waf.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({
            Action: { Block: {} },
            Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP' } },
          }),
        ]),
      });
      waf.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
        WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
      });
      waf.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'openphone' });
      waf.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'NONE' });
      expect(JSON.stringify(waf.findOutputs('WebhookUrl'))).toContain('/webhooks/openphone');
    });

    it('keeps the throttle and access logs on the REST API stage', () => {
      waf.hasResourceProperties('AWS::ApiGateway::Stage', {
        AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
        MethodSettings: Match.arrayWith([
          Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
        ]),
      });
    });

    it('has no core rule set, whose XSS, SQLi and size rules would block message text', () => {
      const acl = Object.values(resourcesOf(waf, 'AWS::WAFv2::WebACL'))[0]!;
      expect(JSON.stringify(acl.Properties.Rules)).not.toContain('AWSManagedRulesCommonRuleSet');
    });

    it('lets a stage reserve nothing for a function (null)', () => {
      const archiver = Object.entries(resourcesOf(waf, 'AWS::Lambda::Function')).find(
        ([id]) => trim(id) === 'EventProcessingArchiveFunction',
      )![1];
      expect(archiver.Properties.ReservedConcurrentExecutions).toBeUndefined();
    });

    it('alarms on the REST API’s 5XXError instead of the HTTP API’s 5xx', () => {
      waf.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
      });
    });
  });
});
