import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import { importTableKeys } from '../lambdas/adapters/import-store';

export interface ImportStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The history import's state: one run item per import (status, counters, checkpoint), the errors
 * each run skipped past, and each scope's watermark for incremental syncs.
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
  }

  /** What the import Lambda does: get, put, conditional update, batch-write errors, query a run's errors. */
  grantImportWorker(grantee: IGrantable): Grant {
    return this.table.grant(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:Query',
    );
  }
}
