import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import {
  campaignSenderEntry,
  campaignTableKeys,
  campaignTrackingPartitions,
  sentRowAttributes,
  type SendingNumberRules,
  type StateSendingRules,
} from '../lambdas/campaigns';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { SecureParameter } from './bridge-parameters';
import { environmentNames } from '../lambdas/shared/environment';
import { BridgeFunction } from './bridge-function';
import type { CrmStore } from './crm';
import type { RateLimitStore } from './openphone';

/** An IAM condition: every partition key the request names matches one of `patterns`. */
const leadingKeysLike = (patterns: readonly string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] },
});

export interface CampaignStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Keep the retired `byWork` index (projection ALL) beside its replacement: CloudFormation cannot
   * drop one index and add another in one update, so a stack deployed before it upgrades in two
   * deploys, the first with this (or the context `keepRetiredCampaignWorkIndex=true`), the second
   * without. @default the context value, else false
   */
  readonly keepRetiredWorkIndex?: boolean;
}

/** The work index before issue 29: nothing reads it; kept only for a live stack's first upgrade deploy. */
const retiredWorkIndex = 'byWork';

/**
 * The campaign table (single-table design, see lambdas/campaigns/domain/campaign-keys.ts):
 * campaigns, their recipients' states, per-variant statistics and the per-number daily
 * cold-outreach counters. One sparse index lists running campaigns and open recipients.
 */
export class CampaignStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: CampaignStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'CampaignTable', {
      partitionKey: { name: campaignTableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: campaignTableKeys.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: campaignTableKeys.expiresAt,
      // The outbox of `campaign.completed` (lib/crm-events.ts).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: campaignTableKeys.workIndex,
      partitionKey: { name: campaignTableKeys.workPartitionKey, type: AttributeType.STRING },
      sortKey: { name: campaignTableKeys.workSortKey, type: AttributeType.STRING },
      // Nothing a claim changes is projected: a claim is one table write, no index write.
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...campaignTableKeys.workIndexAttributes],
    });
    const keepRetired =
      props.keepRetiredWorkIndex ??
      String(this.node.tryGetContext('keepRetiredCampaignWorkIndex')) === 'true';
    if (keepRetired)
      this.table.addGlobalSecondaryIndex({
        indexName: retiredWorkIndex,
        partitionKey: { name: campaignTableKeys.workPartitionKey, type: AttributeType.STRING },
        sortKey: { name: campaignTableKeys.workSortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
  }

  /** The sender's need: read and conditionally update campaigns, recipients and counters, in transactions. */
  grantReadWriteData(grantee: IGrantable): Grant {
    return this.table.grantReadWriteData(grantee);
  }

  /**
   * Exactly what the sender does: item reads and conditional writes (transactions included), and
   * queries of the table and its work index, named rather than `index/*`.
   */
  grantSenderAccess(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
      ],
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/${campaignTableKeys.workIndex}`],
    });
  }

  /**
   * What a message processor does for campaign tracking: keyed reads of message lookups and of what
   * a send recorded on a recipient row (not its CSV fields), a query of a number's links (a reply's
   * candidate rows), and conditional updates
   * of a recipient (its variant's counts are read from the rows), each in its own partitions by key
   * condition. No puts, no index: it cannot list a campaign's recipients, create anything, or touch
   * a daily cap or the recent sends.
   */
  grantTrackingAccess(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem'],
      resourceArns: [this.table.tableArn],
      conditions: leadingKeysLike(campaignTrackingPartitions.read),
    })
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:GetItem'],
          resourceArns: [this.table.tableArn],
          conditions: {
            ...leadingKeysLike(campaignTrackingPartitions.readSent),
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...sentRowAttributes] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:Query'],
          resourceArns: [this.table.tableArn],
          conditions: leadingKeysLike(campaignTrackingPartitions.query),
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:UpdateItem'],
          resourceArns: [this.table.tableArn],
          conditions: {
            ...leadingKeysLike(campaignTrackingPartitions.update),
            // Else an update asking ReturnValues ALL_OLD reads the whole row the GetItem grant holds back.
            StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
          },
        }),
      );
  }

  grantReadData(grantee: IGrantable): Grant {
    return this.table.grantReadData(grantee);
  }

  /**
   * An erase: a number's recipient links and tracking lookups (queries of the table, no index),
   * each recipient row replaced in a transaction.
   */
  grantRecipientErase(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
      resourceArns: [this.table.tableArn],
    });
  }
}

export interface CampaignSenderProps {
  readonly campaigns: CampaignStore;
  /** Read for suppressions (opt-out, bounce) at send time. */
  readonly crm: CrmStore;
  readonly rateLimit: RateLimitStore;
  /** `{"apiKey": "..."}` */
  readonly apiKey: SecureParameter;
  /** How often the sender runs. @default every minute */
  readonly schedule?: Schedule;
  /** One run's budget; must stay well below the sender's stale-claim period (5 min). @default 2 min */
  readonly timeout?: Duration;
  readonly logRetention?: RetentionDays;
  /** States' stricter windows, weekend days and 24-hour caps. @default defaultStateSendingRules (16 states) */
  readonly stateRules?: StateSendingRules;
  /** Sending numbers' own zone and daily cap (all campaigns on the number together). @default none */
  readonly sendingNumbers?: SendingNumberRules;
  /** The stage's `retention.activitiesDays`: finished recipient rows expire that many days later. */
  readonly activityRetentionDays?: number;
}

/**
 * The campaign sender: a Lambda run on a schedule that works through running campaigns. What needs
 * an operator (a campaign paused by an error, a failed pass, an unknown outcome, a parked
 * recipient) is counted in `NeedsAttention`, which lib/bridge-monitoring.ts alarms on.
 */
export class CampaignSender extends Construct {
  readonly senderFunction: BridgeFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: CampaignSenderProps) {
    super(scope, id);
    this.senderFunction = new BridgeFunction(this, 'SenderFunction', {
      entry: campaignSenderEntry,
      description:
        'Sends running SMS campaigns within caps, opt-outs and quiet hours, exactly once per recipient',
      memorySize: 256,
      timeout: props.timeout ?? Duration.minutes(2),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.campaignTable]: props.campaigns.table.tableName,
        [environmentNames.crmTable]: props.crm.table.tableName,
        [environmentNames.rateLimitTable]: props.rateLimit.table.tableName,
        [environmentNames.openPhoneApiKeyParameter]: props.apiKey.parameterName,
        ...(props.activityRetentionDays
          ? { [environmentNames.activityRetentionDays]: String(props.activityRetentionDays) }
          : {}),
        ...(props.sendingNumbers && Object.keys(props.sendingNumbers).length > 0
          ? { [environmentNames.campaignSendingNumbers]: JSON.stringify(props.sendingNumbers) }
          : {}),
        ...(props.stateRules
          ? { [environmentNames.campaignStateRules]: JSON.stringify(withoutSources(props.stateRules)) }
          : {}),
      },
    });
    props.campaigns.grantSenderAccess(this.senderFunction);
    props.crm.grantSuppressionRead(this.senderFunction);
    props.rateLimit.grantAcquire(this.senderFunction);
    props.apiKey.grantRead(this.senderFunction);

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the campaign sender',
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.senderFunction, { retryAttempts: 0 })],
    });
  }
}

/** The rules as the sender reads them: their sources are for the docs, and Lambda's environment holds 4 KB in all. */
function withoutSources(rules: StateSendingRules): StateSendingRules {
  return Object.fromEntries(
    Object.entries(rules).map(([state, { source: _source, ...rule }]) => [state, rule]),
  );
}
