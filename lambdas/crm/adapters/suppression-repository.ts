import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crmKeys, numberPartition, suppressionListKey } from '../domain/crm-keys';
import type { ConsentChange } from '../domain/activity-signals';
import {
  defaultYesWindowHours,
  suppressionChangeOf,
  yesAnswersPrompt,
  type SuppressionChange,
  type SuppressionReason,
} from '../domain/suppression';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isConditionFailure } from '../../shared/dynamo';
import { readItem, readPartition, type CrmTableAccess } from './crm-table';

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
  /** For a change a reply caused: the phrase the consent rule matched. */
  matched?: string;
  /** For a change a reply caused: a short excerpt of it, digits masked. */
  excerpt?: string;
  /** For a change a person made: why, in their words. */
  note?: string;
  /** For a review an operator settled: what they decided it was. */
  resolution?: SuppressionChange['resolution'];
}

export interface SuppressionRepositoryOptions {
  /** Hours after a message that asked for it in which a YES lifts an opt-out. @default 24 */
  yesWindowHours?: number;
}

/**
 * `already-applied`: this very change (same number, reason, action, time and reference) is the
 * state already — a second copy of the event (a retry, the other system during a migration).
 */
export type ChangeOutcome = 'applied' | 'already-applied' | 'stale';
export type ConsentOutcome = ChangeOutcome | 'ignored' | 'recorded';

/**
 * Suppressions in the CRM table: one item per number and reason (opt-out, bounce) and an audit
 * entry per change. Changes are idempotent and ordered by time, so replays converge.
 */
export class SuppressionRepository {
  private readonly table: CrmTableAccess;
  private readonly yesWindowHours: number;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    options: SuppressionRepositoryOptions = {},
  ) {
    this.table = { documentClient, tableName };
    this.yesWindowHours = options.yesWindowHours ?? defaultYesWindowHours;
  }

  /**
   * Adds or removes one suppression reason for a number. The audit entry, with who (`reference`)
   * and why (`note`, or the reply's `matched`/`excerpt`), is always written (idempotently: its key
   * is the change); the state changes only if this change is newer.
   */
  async changeSuppression(change: SuppressionChange): Promise<{ outcome: ChangeOutcome }> {
    const { documentClient, tableName } = this.table;
    const entry: SuppressionAuditEntry = {
      phoneNumber: change.phoneNumber,
      reason: change.reason,
      action: change.action,
      at: change.at,
      reference: change.reference,
      ...(change.matched ? { matched: change.matched } : {}),
      ...(change.excerpt ? { excerpt: change.excerpt } : {}),
      ...(change.note ? { note: change.note } : {}),
      ...(change.resolution ? { resolution: change.resolution } : {}),
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
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'applied' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const returned = (error as { Item?: Record<string, unknown> }).Item;
      const current = returned && unmarshall(returned as never);
      const same =
        current?.changedAt === change.at &&
        current.reference === change.reference &&
        current.active === (change.action === 'add');
      return { outcome: same ? 'already-applied' : 'stale' };
    }
  }

  addSuppression(change: Omit<SuppressionChange, 'action'>): Promise<{ outcome: ChangeOutcome }> {
    return this.changeSuppression({ ...change, action: 'add' });
  }

  removeSuppression(change: Omit<SuppressionChange, 'action'>): Promise<{ outcome: ChangeOutcome }> {
    return this.changeSuppression({ ...change, action: 'remove' });
  }

  /**
   * A consent reply's effect: STOP-like → `opt-out`; a possible opt-out → `review`; START-like →
   * `opt-out` lifted (never `manual` or `review`); YES → lifted only within `yesWindowHours` after a
   * message that asked for it; HELP changes nothing (`ignored`). An outgoing message asking for a
   * YES is remembered (`recorded`).
   */
  async applyConsentChange(consent: ConsentChange): Promise<{ outcome: ConsentOutcome }> {
    if (consent.keyword === 'yes-prompt') {
      await this.recordYesPrompt(consent.phoneNumber, consent.at, consent.messageId);
      return { outcome: 'recorded' };
    }
    const yesAnswered =
      consent.keyword === 'yes' &&
      yesAnswersPrompt(await this.lastYesPromptAt(consent.phoneNumber), consent.at, this.yesWindowHours);
    const change = suppressionChangeOf(consent, { yesAnswered });
    return change ? this.changeSuppression(change) : { outcome: 'ignored' };
  }

  /** Remembers the latest message that asked this number to reply YES (an older one changes nothing). */
  async recordYesPrompt(phoneNumber: string, at: string, messageId: string): Promise<void> {
    try {
      await this.table.documentClient.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: crmKeys.consentPrompt(phoneNumber),
          UpdateExpression: 'SET #entity = :entity, #promptedAt = :at, #reference = :reference',
          ConditionExpression: 'attribute_not_exists(#promptedAt) OR #promptedAt < :at',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#promptedAt': 'promptedAt',
            '#reference': 'reference',
          },
          ExpressionAttributeValues: { ':entity': 'consent-prompt', ':at': at, ':reference': messageId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** When this number was last asked to reply YES, if ever. */
  async lastYesPromptAt(phoneNumber: string): Promise<string | undefined> {
    const item = await readItem(this.table, crmKeys.consentPrompt(phoneNumber));
    return item?.promptedAt as string | undefined;
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
      ...(item.matched ? { matched: item.matched as string } : {}),
      ...(item.excerpt ? { excerpt: item.excerpt as string } : {}),
      ...(typeof item.note === 'string' ? { note: item.note } : {}),
      ...(item.resolution ? { resolution: item.resolution as SuppressionChange['resolution'] } : {}),
    }));
  }
}

function listKeyValues(key: ReturnType<typeof suppressionListKey>) {
  return { ':listPk': key.suppressionListPk, ':listSk': key.suppressionListSk };
}
