import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import { importTableKeys } from '../lambdas/history-import/adapters/import-repository';

export interface ImportStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The history import's state: one run item per import (status, counters, checkpoint), the errors
 * each run skipped past, each scope's watermark for incremental syncs, and an index of runs by start.
 */
export class ImportStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: ImportStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'ImportTable', {
      partitionKey: { name: importTableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: importTableKeys.sortKey, type: AttributeType.STRING },
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    // Runs newest first (`imports list`): sparse, keys only, so a run's per-page updates never write it.
    this.table.addGlobalSecondaryIndex({
      indexName: importTableKeys.runsIndex,
      partitionKey: { name: importTableKeys.runsPartitionKey, type: AttributeType.STRING },
      sortKey: { name: importTableKeys.runsSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  /**
   * What the import Lambda does: get, put, conditional update, batch-write errors, query a run's
   * errors; on the table itself (the runs index is the operator's).
   */
  grantImportWorker(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
      ],
      resourceArns: [this.table.tableArn],
    });
  }
}
