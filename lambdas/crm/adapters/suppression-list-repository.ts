import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../shared/dynamo';
import { crmKeys, crmTableKeys, numberPartition } from '../domain/crm-keys';
import type { SuppressionChange, SuppressionReason } from '../domain/suppression';
import { listedSuppressionReasons, reviewReason, type DoNotContactEntry } from '../domain/suppression-list';
import { readPartition, type CrmTableAccess } from './crm-table';
import {
  SuppressionRepository,
  type SuppressionAuditEntry,
  type SuppressionState,
} from './suppression-repository';

export interface ListedSuppression {
  phoneNumber: string;
  reason: SuppressionReason;
  /** When it became active. */
  changedAt: string;
  reference: string;
}

/** An audit entry with what an operator wrote (`note`) or what the bridge did beyond the change. */
export type AnnotatedAuditEntry = Omit<SuppressionAuditEntry, 'action'> & {
  action: SuppressionAuditEntry['action'] | 'reply-sent';
  note?: string;
};

export interface SuppressionRecord {
  suppressions: SuppressionState[];
  /** Oldest first. */
  audit: AnnotatedAuditEntry[];
}

export interface OperatorChange extends SuppressionChange {
  /** Why, in the operator's words: kept on the audit entry. */
  note?: string;
}

/**
 * The operators' suppression list over the CRM table: listing by reason (the `bySuppressionReason`
 * index, one query per reason), a number's record with its audit trail, and audited changes.
 * Changes go through SuppressionRepository, so the gate the campaign sender reads is the same.
 */
export class SuppressionListRepository {
  private readonly table: CrmTableAccess;
  private readonly suppressions: SuppressionRepository;

  constructor(documentClient: DynamoDBDocumentClient, tableName: string) {
    this.table = { documentClient, tableName };
    this.suppressions = new SuppressionRepository(documentClient, tableName);
  }

  /** Active suppressions of one reason, oldest first, changed at or after `since` (ISO). */
  async listActive(reason: SuppressionReason, since?: string): Promise<ListedSuppression[]> {
    const { documentClient, tableName } = this.table;
    const items = await queryAll(documentClient, {
      TableName: tableName,
      IndexName: crmTableKeys.suppressionListIndex,
      KeyConditionExpression: since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': crmTableKeys.suppressionListPartitionKey,
        ...(since ? { '#sk': crmTableKeys.suppressionListSortKey } : {}),
      },
      ExpressionAttributeValues: { ':pk': `SUPPRESSED#${reason}`, ...(since ? { ':since': since } : {}) },
    });
    return items.map((item) => ({
      phoneNumber: item.phoneNumber as string,
      reason: item.reason as SuppressionReason,
      changedAt: item.changedAt as string,
      reference: item.reference as string,
    }));
  }

  /** Every reason's active suppressions: one query per reason, oldest first within each. */
  async listAllActive(since?: string): Promise<ListedSuppression[]> {
    const lists = await Promise.all(listedSuppressionReasons.map((reason) => this.listActive(reason, since)));
    return lists.flat();
  }

  /** A number's suppressions, active or lifted, and every change with its note. */
  async recordOf(phoneNumber: string): Promise<SuppressionRecord> {
    const [suppressions, audit] = await Promise.all([
      this.suppressions.suppressionsOf(phoneNumber),
      readPartition(this.table, numberPartition(phoneNumber), crmKeys.suppressionAuditPrefix),
    ]);
    return {
      suppressions,
      audit: audit.map((item) => ({
        phoneNumber: item.phoneNumber as string,
        reason: item.reason as SuppressionReason,
        action: item.action as AnnotatedAuditEntry['action'],
        at: item.at as string,
        reference: item.reference as string,
        ...(typeof item.note === 'string' ? { note: item.note } : {}),
      })),
    };
  }

  /** An operator's add or remove: the change, then its note on the audit entry it wrote. */
  async changeByOperator(change: OperatorChange): Promise<{ outcome: 'applied' | 'stale' }> {
    const { note, ...plain } = change;
    const result = await this.suppressions.changeSuppression(plain);
    if (note) await this.annotate(plain, note);
    return result;
  }

  /** A review confirmed: the number is opted out from now on, and the review is settled. */
  async confirmReview(phoneNumber: string, at: string, reference: string, note?: string): Promise<void> {
    await this.changeByOperator({
      action: 'add',
      phoneNumber,
      reason: 'opt-out',
      at,
      reference,
      ...(note ? { note } : {}),
    });
    await this.changeByOperator({
      action: 'remove',
      phoneNumber,
      reason: reviewReason,
      at,
      reference,
      ...(note ? { note } : {}),
    });
  }

  /**
   * A do-not-contact list as `manual` suppressions. Each write is idempotent (its audit key is the
   * change), so a run cut short is finished by running the same import again.
   */
  async importDoNotContact(entries: DoNotContactEntry[], at: string, reference: string): Promise<number> {
    let applied = 0;
    for (const entry of entries) {
      const result = await this.changeByOperator({
        action: 'add',
        phoneNumber: entry.phoneNumber,
        reason: 'manual',
        at,
        reference,
        ...(entry.note ? { note: entry.note } : {}),
      });
      if (result.outcome === 'applied') applied += 1;
    }
    return applied;
  }

  private async annotate(change: SuppressionChange, note: string): Promise<void> {
    const { documentClient, tableName } = this.table;
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: crmKeys.suppressionAudit(
          change.phoneNumber,
          change.at,
          change.reason,
          change.action,
          change.reference,
        ),
        UpdateExpression: 'SET #note = :note',
        ExpressionAttributeNames: { '#note': 'note' },
        ExpressionAttributeValues: { ':note': note },
      }),
    );
  }
}
