import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import {
  activityIndexAttributes,
  crmTableKeys,
  numberPartitions,
  suppressionListAttributes,
  waitingIndexAttributes,
} from '../lambdas/crm';

export interface CrmStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The CRM table (single-table design, see lambdas/crm/domain/crm-keys.ts): activities, contacts and
 * their phone links, suppressions with their audit trail, and per-recipient delivery health.
 * Five sparse indexes: a contact number's timeline and a conversation's activities, newest first,
 * the active suppressions by reason (the operators' list), the conversations waiting for an
 * answer, oldest first (the follow-up queue), and one by time: the spells due an answer (the
 * reply-due timer) and the messages and calls of a day (the response-time report).
 */
export class CrmStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: CrmStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'CrmTable', {
      partitionKey: { name: crmTableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: crmTableKeys.sortKey, type: AttributeType.STRING },
      // The outbox of the CRM events (lib/crm-events.ts): each write's before and after.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      // Set on activities when the stage configures a retention, and on an erase's held second sweep.
      timeToLiveAttribute: crmTableKeys.expiresAt,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    // Each index: a string partition and sort key, and the few attributes it carries.
    const addIndex = (indexName: string, partition: string, sort: string, carried: readonly string[]) =>
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: partition, type: AttributeType.STRING },
        sortKey: { name: sort, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...carried],
      });
    const k = crmTableKeys;
    addIndex(k.timelineIndex, k.timelinePartitionKey, k.timelineSortKey, activityIndexAttributes);
    addIndex(k.conversationIndex, k.conversationPartitionKey, k.conversationSortKey, activityIndexAttributes);
    addIndex(
      k.suppressionListIndex,
      k.suppressionListPartitionKey,
      k.suppressionListSortKey,
      suppressionListAttributes,
    );
    // Written only when a waiting spell starts or ends: its projected attributes hold still meanwhile.
    addIndex(k.waitingIndex, k.waitingPartitionKey, k.waitingSortKey, waitingIndexAttributes);
    // Ids only, like the activity indexes: written once per message or call, never on its updates.
    // `byTime`: activities by day (the report) and conversation records by reply due time (the
    // timer) in one index, so that an upgrade adds one index, as CloudFormation allows per deploy.
    // Ids only, written once per message or call and when a spell starts, ends or fires.
    addIndex(k.activityDayIndex, k.activityDayPartitionKey, k.activityDaySortKey, activityIndexAttributes);
  }

  /** Reads: items, timelines, conversations, suppression checks. */
  grantReadData(grantee: IGrantable): Grant {
    return this.table.grantReadData(grantee);
  }

  /** What the processors and the import need: reads plus conditional updates and transactions. */
  grantReadWriteData(grantee: IGrantable): Grant {
    return this.table.grantReadWriteData(grantee);
  }

  /** The CRM API's need: items, timelines, conversations, the waiting queue and the day index (GetItem, BatchGetItem, Query; no scans, no streams). */
  grantRecordRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
      resourceArns: [
        this.table.tableArn,
        `${this.table.tableArn}/index/${crmTableKeys.timelineIndex}`,
        `${this.table.tableArn}/index/${crmTableKeys.conversationIndex}`,
        `${this.table.tableArn}/index/${crmTableKeys.waitingIndex}`,
        `${this.table.tableArn}/index/${crmTableKeys.activityDayIndex}`,
      ],
    });
  }

  /**
   * The CRM API's writes: a contact with its phone links (one transaction of puts and deletes) and
   * suppression changes with their audit entries.
   * Keyed writes on the table only: no indexes, no scans.
   */
  grantApiWrite(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * Erasing one person (DELETE /v1/contacts/{phone}/data): tombstones, markers and the audit entry
   * written, timeline entries and phone links deleted, in batches. Reads come from grantRecordRead.
   */
  grantErase(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * The campaign sender's need: is a number suppressed (GetItem/Query on the table, no indexes),
   * in numbers' partitions only (a key condition): never an activity's text or transcript.
   */
  grantSuppressionRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [numberPartitions] } },
    });
  }
}
