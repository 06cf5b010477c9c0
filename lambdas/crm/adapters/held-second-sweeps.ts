import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crmKeys, crmTableKeys } from '../domain/crm-keys';
import type { SecondSweep } from '../domain/erasure';
import { readItem, type CrmTableAccess } from './crm-table';

export interface HeldSecondSweepsOptions {
  /** How long a held sweep is kept if nothing releases it (DynamoDB's TTL). @default 1 day */
  keepForSeconds?: number;
  now?: () => Date;
  newSweepId?: () => string;
}

const oneDaySeconds = 86_400;

/**
 * An erase's second sweep kept in the CRM table under an opaque random id until it has run, so
 * what starts it (a Step Functions execution, whose input stays in its history for 90 days) names
 * the id alone, never the erased number or its conversation keys. Expires a day later (TTL) if
 * nothing releases it.
 */
export class HeldSecondSweeps {
  private readonly table: CrmTableAccess;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    private readonly options: HeldSecondSweepsOptions = {},
  ) {
    this.table = { documentClient, tableName };
  }

  /** Keeps the sweep; answers its id. */
  async hold(sweep: SecondSweep): Promise<string> {
    const sweepId = (this.options.newSweepId ?? randomUUID)();
    const nowSeconds = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    await this.table.documentClient.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...crmKeys.heldSecondSweep(sweepId),
          entity: 'erase-second-sweep',
          sweepId,
          phoneNumber: sweep.phoneNumber,
          erasedAt: sweep.erasedAt,
          conversationKeys: sweep.conversationKeys,
          [crmTableKeys.expiresAt]: nowSeconds + (this.options.keepForSeconds ?? oneDaySeconds),
        },
      }),
    );
    return sweepId;
  }

  /** The sweep held under this id (strongly consistent); none once released or expired. */
  async held(sweepId: string): Promise<SecondSweep | undefined> {
    const item = await readItem(this.table, crmKeys.heldSecondSweep(sweepId));
    if (!item) return undefined;
    return {
      phoneNumber: item.phoneNumber as string,
      erasedAt: item.erasedAt as string,
      conversationKeys: (item.conversationKeys as string[] | undefined) ?? [],
    };
  }

  /** Forgets the sweep once it has run. */
  async release(sweepId: string): Promise<void> {
    await this.table.documentClient.send(
      new DeleteCommand({ TableName: this.table.tableName, Key: crmKeys.heldSecondSweep(sweepId) }),
    );
  }
}
