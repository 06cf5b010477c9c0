import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import { rateLimitTableKeys } from '../lambdas/openphone';

export interface RateLimitStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The shared OpenPhone request budget: one token-bucket item per API key (keyed by the key's
 * SHA-256, never the key), updated with one conditional write per request.
 */
export class RateLimitStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: RateLimitStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'RateLimitTable', {
      partitionKey: { name: rateLimitTableKeys.partitionKey, type: AttributeType.STRING },
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
  }

  /** Lets `grantee` take tokens: the conditional update, and the read some emulators need after a lost race. */
  grantAcquire(grantee: IGrantable): Grant {
    return this.table.grant(grantee, 'dynamodb:UpdateItem', 'dynamodb:GetItem');
  }
}
