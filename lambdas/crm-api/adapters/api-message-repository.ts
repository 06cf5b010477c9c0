import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, UpdateExpressionBuilder } from '../../shared/dynamo';
import type { ApiMessageStatus } from '../domain/messages';

/**
 * Messages sent through the CRM API, one item per Idempotency-Key in the CRM table:
 *
 * | item        | pk                     | sk           |
 * |-------------|------------------------|--------------|
 * | API message | `APIMESSAGE#<msg_ id>` | `APIMESSAGE` |
 *
 * The id is a hash of the key, so the item is both the key's claim and the message. Every write is
 * conditional on the claim token of the request that holds it: a request that lost its claim (a
 * retry took over an abandoned send) can no longer change the message.
 */
const keyOf = (messageId: string) => ({ pk: `APIMESSAGE#${messageId}`, sk: 'APIMESSAGE' });

/**
 * `claimed`: a request is sending it (its claim renewed just before the request to OpenPhone);
 * `unknown-outcome`: the send may have reached OpenPhone, to be reconciled; `done`: sent or refused.
 */
export type ApiMessageState = 'claimed' | 'unknown-outcome' | 'done';

export interface StoredApiMessage {
  messageId: string;
  bodyFingerprint: string;
  to: string;
  /**
   * As the request gave it (E.164 or `PN…`) or the stage's default; absent until the claim's
   * holder chose the workspace's only number (chosen after the claim, so racing requests never ask).
   */
  from?: string;
  /** The sending number's id, for reconciliation (OpenPhone lists messages per number id); set with `from`. */
  phoneNumberId?: string;
  text: string;
  state: ApiMessageState;
  status: ApiMessageStatus;
  claimToken: string;
  /** When the first claim was taken: a message any attempt sent is no older. */
  claimedAt: string;
  /** The claim's last sign of life. */
  touchedAt: string;
  openPhoneMessageId?: string;
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
}

export type NewApiMessage = Omit<StoredApiMessage, 'state' | 'status' | 'touchedAt' | 'updatedAt'>;

export class ApiMessageRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getMessage(messageId: string): Promise<StoredApiMessage | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(messageId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...message } = Item;
    return message as StoredApiMessage;
  }

  /** Claims the key for this request: false when another request holds (or finished) it. */
  claimMessage(message: NewApiMessage): Promise<boolean> {
    return this.ifConditionHolds(() =>
      this.documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(message.messageId),
            entity: 'api-message',
            ...message,
            state: 'claimed',
            status: 'accepted',
            touchedAt: message.claimedAt,
            updatedAt: message.claimedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** Renews the claim just before the request goes out, so no retry takes over a send in flight. */
  touchClaim(
    messageId: string,
    token: string,
    at: string,
    sending?: { from: string; phoneNumberId: string },
  ): Promise<boolean> {
    return this.update(messageId, token, { state: 'claimed', touchedAt: at, ...sending });
  }

  /** An abandoned claim or unknown outcome, taken over by a retry (the first claim time is kept). */
  takeOver(messageId: string, previousToken: string, token: string, at: string): Promise<boolean> {
    return this.update(messageId, previousToken, { claimToken: token, state: 'claimed', touchedAt: at });
  }

  markUnknownOutcome(messageId: string, token: string, at: string): Promise<boolean> {
    return this.update(messageId, token, { state: 'unknown-outcome', touchedAt: at, updatedAt: at });
  }

  /** Sent (OpenPhone's id and status) or refused for good (`failed` with the reason). */
  finish(
    messageId: string,
    token: string,
    outcome: Pick<StoredApiMessage, 'status' | 'openPhoneMessageId' | 'error'>,
    at: string,
  ): Promise<boolean> {
    return this.update(messageId, token, { state: 'done', ...outcome, touchedAt: at, updatedAt: at });
  }

  /** Certainly not sent: the key is free again, so a retry with it sends afresh. */
  release(messageId: string, token: string): Promise<boolean> {
    return this.ifConditionHolds(() =>
      this.documentClient.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keyOf(messageId),
          ConditionExpression: 'claimToken = :token AND #state <> :done',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':token': token, ':done': 'done' },
        }),
      ),
    );
  }

  private update(messageId: string, token: string, changes: Partial<StoredApiMessage>): Promise<boolean> {
    const update = new UpdateExpressionBuilder();
    for (const [attribute, value] of Object.entries(changes))
      if (value !== undefined) update.set(attribute, value);
    update.when(`${update.name('claimToken')} = ${update.value(token)}`);
    update.when(`${update.name('state')} <> ${update.value('done')}`);
    return this.ifConditionHolds(() =>
      this.documentClient.send(
        new UpdateCommand({ TableName: this.tableName, Key: keyOf(messageId), ...update.input() }),
      ),
    );
  }

  /** Every write here is conditional: true when it was made, false when its condition did not hold. */
  private async ifConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
