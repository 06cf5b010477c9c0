import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crmKeys, numberPartition, suppressionListKey } from '../domain/crm-keys';
import type { ConsentChange } from '../domain/activity-signals';
import { suppressionChangeOf, type SuppressionChange, type SuppressionReason } from '../domain/suppression';
import { isConditionFailure } from '../../shared/dynamo';
import { readPartition, type CrmTableAccess } from './crm-table';

export interface SuppressionState {
  phoneNumber: string;
  reason: SuppressionReason;
  active: boolean;
  changedAt: string;
  reference: string;
}

export interface SuppressionAuditEntry {
  phoneNumber: string;
  reason: SuppressionReason;
  action: 'add' | 'remove';
  at: string;
  reference: string;
}

/**
 * Suppressions in the CRM table: one item per number and reason (opt-out, bounce) and an audit
 * entry per change. Changes are idempotent and ordered by time, so replays converge.
 */
export class SuppressionRepository {
  private readonly table: CrmTableAccess;

  constructor(documentClient: DynamoDBDocumentClient, tableName: string) {
    this.table = { documentClient, tableName };
  }

  /**
   * Adds or removes one suppression reason for a number. The audit entry is always written
   * (idempotently: its key is the change); the state changes only if this change is newer.
   */
  async changeSuppression(change: SuppressionChange): Promise<{ outcome: 'applied' | 'stale' }> {
    const { documentClient, tableName } = this.table;
    const entry: SuppressionAuditEntry = {
      phoneNumber: change.phoneNumber,
      reason: change.reason,
      action: change.action,
      at: change.at,
      reference: change.reference,
    };
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...crmKeys.suppressionAudit(
            change.phoneNumber,
            change.at,
            change.reason,
            change.action,
            change.reference,
          ),
          entity: 'suppression-audit',
          ...entry,
        },
      }),
    );
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: crmKeys.suppression(change.phoneNumber, change.reason),
          // An active suppression is listed in the by-reason index; a lifted one leaves it.
          UpdateExpression:
            'SET #entity = :entity, #phoneNumber = :phoneNumber, #reason = :reason, #active = :active,' +
            ' #changedAt = :at, #reference = :reference' +
            (change.action === 'add' ? ', #listPk = :listPk, #listSk = :listSk' : ' REMOVE #listPk, #listSk'),
          ConditionExpression: 'attribute_not_exists(#changedAt) OR #changedAt < :at',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#phoneNumber': 'phoneNumber',
            '#reason': 'reason',
            '#active': 'active',
            '#changedAt': 'changedAt',
            '#reference': 'reference',
            '#listPk': 'suppressionListPk',
            '#listSk': 'suppressionListSk',
          },
          ExpressionAttributeValues: {
            ...(change.action === 'add'
              ? listKeyValues(suppressionListKey(change.reason, change.at, change.phoneNumber))
              : {}),
            ':entity': 'suppression',
            ':phoneNumber': change.phoneNumber,
            ':reason': change.reason,
            ':active': change.action === 'add',
            ':at': change.at,
            ':reference': change.reference,
          },
        }),
      );
      return { outcome: 'applied' };
    } catch (error) {
      if (isConditionFailure(error)) return { outcome: 'stale' };
      throw error;
    }
  }

  addSuppression(change: Omit<SuppressionChange, 'action'>): Promise<{ outcome: 'applied' | 'stale' }> {
    return this.changeSuppression({ ...change, action: 'add' });
  }

  removeSuppression(change: Omit<SuppressionChange, 'action'>): Promise<{ outcome: 'applied' | 'stale' }> {
    return this.changeSuppression({ ...change, action: 'remove' });
  }

  /** STOP → opt-out suppression, START → lifted; HELP changes nothing (`ignored`). */
  async applyConsentChange(consent: ConsentChange): Promise<{ outcome: 'applied' | 'stale' | 'ignored' }> {
    const change = suppressionChangeOf(consent);
    return change ? this.changeSuppression(change) : { outcome: 'ignored' };
  }

  /** Every suppression reason recorded for a number, active or lifted. */
  async suppressionsOf(phoneNumber: string): Promise<SuppressionState[]> {
    const items = await readPartition(this.table, numberPartition(phoneNumber), crmKeys.suppressionPrefix);
    return items.map((item) => ({
      phoneNumber: item.phoneNumber as string,
      reason: item.reason as SuppressionReason,
      active: item.active as boolean,
      changedAt: item.changedAt as string,
      reference: item.reference as string,
    }));
  }

  /** The campaign's gate: one strongly consistent query of the number's suppression items. */
  async isSuppressed(phoneNumber: string): Promise<boolean> {
    return (await this.suppressionsOf(phoneNumber)).some((s) => s.active);
  }

  /** A number's suppression history, oldest first. */
  async suppressionAudit(phoneNumber: string): Promise<SuppressionAuditEntry[]> {
    const items = await readPartition(
      this.table,
      numberPartition(phoneNumber),
      crmKeys.suppressionAuditPrefix,
    );
    return items.map((item) => ({
      phoneNumber: item.phoneNumber as string,
      reason: item.reason as SuppressionReason,
      action: item.action as 'add' | 'remove',
      at: item.at as string,
      reference: item.reference as string,
    }));
  }
}

function listKeyValues(key: ReturnType<typeof suppressionListKey>) {
  return { ':listPk': key.suppressionListPk, ':listSk': key.suppressionListSk };
}
