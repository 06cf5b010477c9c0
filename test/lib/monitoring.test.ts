import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { bridgeMetrics } from '../../lambdas/shared/metrics';
import { environmentNames } from '../../lambdas/shared/environment';
import { eventFamilies } from '../../lambdas/events/domain/event-types';
import { dashboardWidgetTitles } from '../../lib/bridge-monitoring';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';

// One synthesis for the file (bundling skipped), with an alarm e-mail and a lower queue-age threshold.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new BridgeStack(app, 'Test', {
  config: readStageConfig({
    stage: 'test',
    stages: { test: { alarmEmail: 'oncall@example.com', alarms: { queueAgeSeconds: 600 } } },
  }),
});
const template = Template.fromStack(stack);

type Resource = { Properties: Record<string, unknown> };
const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
const [topicId] = Object.keys(resources('AWS::SNS::Topic'));
const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

/** Every dead-letter queue of the stack: redrive targets, and the stream mapping's on-failure queue. */
function deadLetterQueueIds(): string[] {
  const arnTarget = (arn: unknown) => (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const redriveTargets = Object.values(resources('AWS::SQS::Queue'))
    .map((q) => q.Properties.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined)
    .filter((r) => r !== undefined)
    .map((r) => arnTarget(r.deadLetterTargetArn));
  const onFailure = Object.values(resources('AWS::Lambda::EventSourceMapping'))
    .map(
      (m) =>
        (m.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure,
    )
    .filter((d) => d !== undefined)
    .map((d) => arnTarget(d.Destination));
  return [...new Set([...redriveTargets, ...onFailure])];
}

describe('alarm topic', () => {
  it('is one SNS topic, encrypted with a rotated customer managed key CloudWatch may use', () => {
    expect(topicId).toBeDefined();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('e-mails the stage alarm address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topicId },
    });
  });
});

describe('alarms', () => {
  it('every alarm notifies the topic when it fires and when it clears, and treats no data as fine', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('reads no data as nothing wrong where the metric is published only when something happens', () => {
    // The timer publishes only while someone waits; the sweeper counts dead letters only while some
    // wait; the import and the sender count NeedsAttention only when something needs an operator.
    for (const name of [
      bridgeMetrics.followUp.oldestWaitingBusinessMinutes,
      bridgeMetrics.attention.deadLettersWaiting,
      bridgeMetrics.attention.needsAttention,
    ]) {
      const alarm = alarms.find((a) => a.MetricName === name);
      expect(alarm).toMatchObject({ TreatMissingData: 'notBreaching' });
    }
  });

  it('pages for every dead-letter queue with one alarm: the sweeper counts what waits in each', () => {
    const dlqs = deadLetterQueueIds();
    // every family's, the media archive's and the CRM events publisher's on-failure queues
    expect(dlqs).toHaveLength(eventFamilies.length + 2);
    expect(alarms.filter((a) => a.Namespace === 'AWS/SQS')).toEqual([]);
    const sweeper = Object.values(resources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).startsWith('Hands events stuck'),
    )!;
    const watched = JSON.stringify(
      (sweeper.Properties.Environment as { Variables: Record<string, unknown> }).Variables[
        environmentNames.deadLetterQueues
      ],
    );
    for (const dlq of dlqs) expect(watched).toContain(dlq);
    // It may read each one's depth, and nothing else of them.
    const statements = Object.values(resources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    );
    for (const dlq of dlqs)
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: 'sqs:GetQueueAttributes',
          Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
        }),
      );
    const [deadLetters] = alarms.filter((a) => a.MetricName === bridgeMetrics.attention.deadLettersWaiting);
    expect(deadLetters).toMatchObject({
      Namespace: bridgeMetrics.namespace,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Statistic: 'Sum',
      Period: 300,
      // A sweep landing late in its period does not clear it: OK after 15 minutes without a count.
      EvaluationPeriods: 3,
      DatapointsToAlarm: 1,
    });
    expect(deadLetters!.AlarmDescription).toMatch(/sweeper log.*dlq list/);
  });

  it('pages when the sweeper, which carries the dead letters’ page, fails three runs in a row', () => {
    const sweeperId = stack.getLogicalId(stack.sweeper.sweepFunction.node.defaultChild as never);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: sweeperId } }],
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      }),
    );
  });

  it('pages for an import’s errors and the sender’s trouble apart from the dead letters, which stay up while they wait', () => {
    const [attention] = alarms.filter((a) => a.MetricName === bridgeMetrics.attention.needsAttention);
    expect(attention).toMatchObject({ Threshold: 1, Statistic: 'Sum', Period: 300, EvaluationPeriods: 1 });
    expect(attention!.AlarmDescription).toMatch(/campaigns status <id>.*imports show <id>/);
  });

  it('pages no queue age: the sweeper’s re-dispatch alarm fires first for it, the dashboard draws it', () => {
    expect(alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')).toEqual([]);
    const body = JSON.stringify(resources('AWS::CloudWatch::Dashboard'));
    // The stage's 600 s and the sweeper's 10 minutes, drawn on the queue-age widget.
    expect(body).toContain('\\"value\\":600,\\"label\\":\\"alarms.queueAgeSeconds\\"');
    expect(body).toContain('\\"value\\":600,\\"label\\":\\"the sweeper re-dispatches (alarm)\\"');
  });

  it('keeps the idle month’s alarm bill at 11 alarm metrics ($1.10): a math alarm pays per metric', () => {
    const metricsOf = (a: Record<string, unknown>) =>
      Math.max(
        1,
        ((a.Metrics as { MetricStat?: unknown }[] | undefined) ?? []).filter((m) => m.MetricStat).length,
      );
    expect(alarms.reduce((sum, a) => sum + metricsOf(a), 0)).toBe(11);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 0);
  });

  it('alarms on ingest 5xx from API Gateway and on 401s counted by the ingest', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Statistic: 'Sum',
        Threshold: 5,
      }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: bridgeMetrics.namespace,
        MetricName: bridgeMetrics.ingest.unauthorized,
        Dimensions: [{ Name: 'service', Value: bridgeMetrics.service }],
        Threshold: 20,
      }),
    );
  });

  it('alarms on OpenPhone 429s and on what needs an operator, a paused campaign included', () => {
    const names = alarms.map((a) => a.MetricName);
    expect(names).toEqual(
      expect.arrayContaining([bridgeMetrics.openPhone.throttled, bridgeMetrics.attention.needsAttention]),
    );
  });

  it('pages when an erase’s second sweep fails or times out (the late data of an erased person stays)', () => {
    const machineId = stack.getLogicalId(stack.crmApi.eraseSecondSweep.node.defaultChild as never);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: topicId }, InputTransformer: Match.anyValue() })],
    });
  });

  it('pages on a failed or timed-out import run from Step Functions’ own event, not an alarm', () => {
    expect(alarms.map((a) => a.MetricName)).not.toContain('ExecutionsFailed');
    const machineId = stack.getLogicalId(stack.historyImport.stateMachine.node.defaultChild as never);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT'], stateMachineArn: [{ Ref: machineId }] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: topicId }, InputTransformer: Match.anyValue() })],
    });
    // EventBridge may publish to the topic and use its key.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  it('alarms on any event rejected by validation in any family (those never reach a DLQ), reading one metric', () => {
    const rejected = alarms.filter((a) => a.MetricName === bridgeMetrics.processing.rejected);
    expect(rejected).toHaveLength(1);
    // The processors publish it without a family: one series, one alarm metric.
    expect(rejected[0]).toMatchObject({
      Namespace: bridgeMetrics.namespace,
      Dimensions: [{ Name: 'service', Value: bridgeMetrics.service }],
      Threshold: 1,
      AlarmActions: [expect.anything()],
    });
  });
});

describe('dashboard', () => {
  const dashboards = Object.values(resources('AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);

  it('is one dashboard with every widget named', () => {
    expect(dashboards).toHaveLength(1);
    for (const title of Object.values(dashboardWidgetTitles))
      expect(body).toContain(JSON.stringify(title).slice(1, -1));
  });

  it('draws each family’s queue, each dead-letter queue and the metrics the Lambdas emit', () => {
    for (const name of [
      bridgeMetrics.ingest.accepted,
      bridgeMetrics.processing.rejected,
      bridgeMetrics.processing.retried,
      bridgeMetrics.import.recordsImported,
      bridgeMetrics.campaigns.messagesSent,
      bridgeMetrics.openPhone.apiCalls,
      bridgeMetrics.openPhone.tokenWaitMs,
    ])
      expect(body).toContain(name);
    for (const family of eventFamilies) expect(body).toContain(`${family} DLQ`);
    expect(body).toMatch(/p99/);
    expect(body).toContain('token wait p99 of requests that waited (ms)');
  });

  it('draws each family’s events from its queue’s free SQS metric, and our counts without a family', () => {
    expect(body.match(/NumberOfMessagesDeleted/g)).toHaveLength(eventFamilies.length);
    expect(body).toContain(bridgeMetrics.processing.processed);
    expect(body).toContain(bridgeMetrics.processing.duplicate);
    expect(body).not.toContain('\\"family\\"');
  });

  it('draws who waits for an answer (a gap read as none waiting, no wall-clock wait) and the answers counted', () => {
    expect(body).toContain(bridgeMetrics.followUp.oldestWaitingBusinessMinutes);
    // How many wait is on the console's follow-up page: not a series billed every hour one waits.
    expect(body).not.toContain('WaitingConversations');
    expect(body).toContain('oldest wait, business minutes (a gap: none waiting)');
    expect(body).not.toContain('OldestWaitingMinutes');
    // Its response time's SampleCount, not a ConversationsAnswered series of its own.
    expect(body).toMatch(/ResponseBusinessMinutes[^\]]*conversations answered[^\]]*SampleCount/);
  });

  it('draws the send rate against a 10 per second line', () => {
    expect(body).toMatch(/\\"value\\":10,\\"label\\":\\"OpenPhone limit \(10\/s\)\\"/);
  });
});
