import { RemovalPolicy } from 'aws-cdk-lib';
import { BillingMode, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

export type DataTableProps = Omit<
  TableProps,
  'billingMode' | 'pointInTimeRecoverySpecification' | 'encryption'
>;

/** Every table of the bridge: on demand, point-in-time recoverable, encrypted, retained unless told otherwise. */
export function dataTable(scope: Construct, id: string, props: DataTableProps): Table {
  return new Table(scope, id, {
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    ...props,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}
