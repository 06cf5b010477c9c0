/**
 * A recipient row as the repositories see it, and the one conditional update every change of its
 * state is made of (naming the states it leaves and, for a claimed recipient, the claim token).
 */
import { campaignKeys, type RecipientState } from '../domain/campaign-keys';
import { type DeliveryStatus } from '../domain/tracking';
import { UpdateExpressionBuilder } from '../../shared/dynamo';
import type { TransactionUpdate } from './conditional-transaction';

export interface StoredRecipient {
  campaignId: string;
  /** Empty once the number was erased (`erasedAt`). */
  phone: string;
  /** Empty once the number was erased. */
  fields: Record<string, string>;
  /** When the number was erased: only the state and what was counted stay. */
  erasedAt?: string;
  state: RecipientState;
  claimToken?: string;
  claimedAt?: string;
  /** When the owner last touched the claim: the claim itself, or the moment before the send. */
  touchedAt?: string;
  variantId?: string;
  messageId?: string;
  sentAt?: string;
  /** The number it was sent from (replies are attributed per sending number). */
  sendingNumber?: string;
  /** True when the message was found by reconciliation rather than by the send's own answer. */
  reconciled?: boolean;
  /** Reconciliations in a row that could not ask OpenPhone (parked after `reconcileAttempts`). */
  reconcileFailures?: number;
  reason?: string;
  /** From message webhooks: `delivered` is final; `failed` may still become `delivered`. */
  delivery?: DeliveryStatus;
  deliveryAt?: string;
  /** The first reply inside the reply window (see domain/tracking.ts). */
  repliedAt?: string;
  /** An opt-out keyword inside the reply window. */
  optedOutAt?: string;
}

export interface RecipientChange {
  /** The states the recipient may be in for the change to apply. */
  from: readonly RecipientState[];
  /** The claim token the recipient must carry. */
  token?: string;
  set: Record<string, unknown>;
  remove?: readonly string[];
}

export function recipientUpdate(
  campaignId: string,
  phone: string,
  change: RecipientChange,
): TransactionUpdate {
  const update = new UpdateExpressionBuilder();
  for (const [attribute, value] of Object.entries(change.set)) update.set(attribute, value);
  for (const attribute of change.remove ?? []) update.remove(attribute);
  const from = change.from.map((state) => update.value(state));
  update.when(`${update.name('state')} IN (${from.join(', ')})`);
  if (change.token !== undefined) update.when(`${update.name('claimToken')} = ${update.value(change.token)}`);
  return { Key: campaignKeys.recipient(campaignId, phone), ...update.input() };
}

export function recipientOf(item: Record<string, unknown>): StoredRecipient {
  const optional = <K extends keyof StoredRecipient>(key: K) =>
    item[key] === undefined ? {} : { [key]: item[key] as StoredRecipient[K] };
  return {
    campaignId: item.campaignId as string,
    phone: (item.phone as string | undefined) ?? '',
    fields: (item.fields as Record<string, string>) ?? {},
    state: item.state as RecipientState,
    ...optional('claimToken'),
    ...optional('claimedAt'),
    ...optional('touchedAt'),
    ...optional('variantId'),
    ...optional('messageId'),
    ...optional('sentAt'),
    ...optional('sendingNumber'),
    ...optional('reconciled'),
    ...optional('reconcileFailures'),
    ...optional('reason'),
    ...optional('delivery'),
    ...optional('deliveryAt'),
    ...optional('repliedAt'),
    ...optional('optedOutAt'),
    ...optional('erasedAt'),
  };
}
