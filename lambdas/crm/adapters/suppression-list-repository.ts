import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eachPage, queryAll } from '../../shared/dynamo';
import { crmKeys, crmTableKeys, numberPartition } from '../domain/crm-keys';
import type { SuppressionChange, SuppressionReason } from '../domain/suppression';
import {
  listedSuppressionReasons,
  reviewReason,
  type DoNotContactEntry,
  type ReviewResolution,
} from '../domain/suppression-list';
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

/** An audit entry, or what the bridge did beyond a change (`reply-sent`: the opt-out confirmation). */
export type AnnotatedAuditEntry = Omit<SuppressionAuditEntry, 'action'> & {
  action: SuppressionAuditEntry['action'] | 'reply-sent';
};

export interface SuppressionRecord {
  suppressions: SuppressionState[];
  /** Oldest first. */
  audit: AnnotatedAuditEntry[];
}

/** A change a person made (an API caller, an operator): `reference` says who, `note` why. */
export type OperatorChange = SuppressionChange;

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
    return { suppressions, audit: audit.map(auditEntryOf) };
  }

  /**
   * Every number's audit trail, for a compliance export: a scan of the CRM table (the audit has
   * no index across numbers), ordered by number, then oldest first.
   */
  async allAudit(): Promise<AnnotatedAuditEntry[]> {
    const { documentClient, tableName } = this.table;
    const entries: AnnotatedAuditEntry[] = [];
    for await (const page of eachPage((startKey) =>
      documentClient.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#entity = :entity',
          ExpressionAttributeNames: { '#entity': 'entity' },
          ExpressionAttributeValues: { ':entity': 'suppression-audit' },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    ))
      entries.push(...(page.Items ?? []).map(auditEntryOf));
    return entries.sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber) || a.at.localeCompare(b.at));
  }

  /** A person's add or remove, with who (`reference`) and why (`note`) on its audit entry. */
  async changeByOperator(change: OperatorChange): Promise<{ outcome: 'applied' | 'stale' }> {
    const { outcome } = await this.suppressions.changeSuppression(change);
    return { outcome: outcome === 'stale' ? 'stale' : 'applied' };
  }

  /**
   * A review settled: `opt-out` makes the number opted out from now on; `not-an-opt-out` lifts the
   * review alone. Either way the review's audit entry records the decision.
   */
  async settleReview(
    phoneNumber: string,
    resolution: ReviewResolution,
    change: { at: string; reference: string; note?: string | undefined },
  ): Promise<void> {
    const { at, reference, note } = change;
    const why = note ? { note } : {};
    if (resolution === 'opt-out')
      await this.changeByOperator({ action: 'add', phoneNumber, reason: 'opt-out', at, reference, ...why });
    await this.changeByOperator({
      action: 'remove',
      phoneNumber,
      reason: reviewReason,
      at,
      reference,
      resolution,
      ...why,
    });
  }

  /** A review confirmed: the number is opted out from now on, and the review is settled. */
  async confirmReview(phoneNumber: string, at: string, reference: string, note?: string): Promise<void> {
    await this.settleReview(phoneNumber, 'opt-out', { at, reference, note });
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
}

function auditEntryOf(item: Record<string, unknown>): AnnotatedAuditEntry {
  return {
    phoneNumber: item.phoneNumber as string,
    reason: item.reason as SuppressionReason,
    action: item.action as AnnotatedAuditEntry['action'],
    at: item.at as string,
    reference: item.reference as string,
    ...(typeof item.matched === 'string' ? { matched: item.matched } : {}),
    ...(typeof item.excerpt === 'string' ? { excerpt: item.excerpt } : {}),
    ...(typeof item.note === 'string' ? { note: item.note } : {}),
    ...(item.resolution ? { resolution: item.resolution as SuppressionChange['resolution'] } : {}),
  };
}
