import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';
import { environmentNames } from '../../lambdas/shared/environment';

function bridge(stages: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(
    new BridgeStack(app, 'Test', { config: readStageConfig({ stage: 'test', stages }) }),
  );
}

const writersWithRetention = (template: Template) =>
  Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([, fn]) => {
      const variables = (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } })
        .Properties.Environment?.Variables;
      return variables?.[environmentNames.activityRetentionDays] === '365';
    })
    .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
    .sort();

describe('retention of personal data', () => {
  it('is off by default: no expiry for activities, no lifecycle rule on archived media', () => {
    expect(readStageConfig({ stage: 'test' }).retention).toEqual({});
    const template = bridge();
    expect(writersWithRetention(template)).toEqual([]);
    const [bucket] = Object.values(
      template.findResources('AWS::S3::Bucket', { Properties: Match.objectLike({}) }),
    )
      .map((b) => (b as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => JSON.stringify(p).includes('BucketOwnerEnforced'));
    expect(bucket).not.toHaveProperty('LifecycleConfiguration');
  });

  it('gives every activity writer the activity retention and expires archived media under media/', () => {
    const template = bridge({ test: { retention: { activitiesDays: 365, mediaDays: 90 } } });
    expect(writersWithRetention(template)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/MessagesProcessor/),
        expect.stringMatching(/CallsProcessor/),
        expect.stringMatching(/CallIntelligenceProcessor/),
        expect.stringMatching(/HistoryImport/),
      ]),
    );
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [{ Id: 'MediaRetention', Prefix: 'media/', ExpirationInDays: 90, Status: 'Enabled' }],
      },
    });
  });

  it('reaches every store of personal data: API messages, webhook bodies, campaign recipients', () => {
    const template = bridge({ test: { retention: { activitiesDays: 365 } } });
    expect(writersWithRetention(template)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/CrmApiApiFunction/),
        expect.stringMatching(/EventSweeperSweepFunction/),
        expect.stringMatching(/CampaignSender/),
      ]),
    );
  });

  it('closes webhook bodies no later than activities: the event retention is capped by it', () => {
    const eventDays = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function'))
        .map(
          (fn) =>
            (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties
              .Environment?.Variables?.[environmentNames.eventRetentionDays],
        )
        .filter((days) => days !== undefined);
    const capped = eventDays(bridge({ test: { retention: { activitiesDays: 30 } } }));
    expect(capped.length).toBeGreaterThanOrEqual(5); // the ingest and every family's processor
    expect(new Set(capped)).toEqual(new Set(['30']));
    expect(new Set(eventDays(bridge({ test: { retention: { activitiesDays: 365 } } })))).toEqual(
      new Set(['90']),
    );
  });

  it('refuses a retention of zero days', () => {
    expect(() =>
      readStageConfig({ stage: 'test', stages: { test: { retention: { mediaDays: 0 } } } }),
    ).toThrow(/retention\.mediaDays/);
  });
});
