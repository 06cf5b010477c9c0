import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { rateLimitTableKeys } from '../lambdas/domain/token-bucket';

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
    this.table = new Table(this, 'RateLimitTable', {
      partitionKey: { name: rateLimitTableKeys.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** Lets `grantee` take tokens: the conditional update, and the read some emulators need after a lost race. */
  grantAcquire(grantee: IGrantable): Grant {
    return this.table.grant(grantee, 'dynamodb:UpdateItem', 'dynamodb:GetItem');
  }
}
