import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import { campaignTableKeys } from '../lambdas/campaigns/domain/campaign-keys';

/** The message processors' campaign tracking (see `grantTrackingAccess`). */
export const campaignTrackingActions = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

export interface CampaignStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

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
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: campaignTableKeys.workIndex,
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
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/${campaignTableKeys.workIndex}`],
    });
  }

  /**
   * What a message processor does for campaign tracking: keyed reads of the lookups and
   * conditional updates of a recipient and its variant counters (in transactions). No queries,
   * no puts, no index: it cannot list recipients or create anything.
   */
  grantTrackingAccess(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: campaignTrackingActions,
      resourceArns: [this.table.tableArn],
    });
  }

  grantReadData(grantee: IGrantable): Grant {
    return this.table.grantReadData(grantee);
  }
}
