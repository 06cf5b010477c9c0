import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { numberPartition } from '../../crm';
import { isConditionFailure, queryAll, UpdateExpressionBuilder } from '../../shared/dynamo';
import type { ApiMessageStatus } from '../domain/messages';

/**
 * Messages sent through the CRM API, one item per Idempotency-Key in the CRM table, and a link
 * from the recipient's number to each, so erasing the number finds them with one query:
 *
 * | item             | pk                     | sk                     |
 * |------------------|------------------------|------------------------|
 * | API message      | `APIMESSAGE#<msg_ id>` | `APIMESSAGE`           |
 * | number → message | `NUMBER#<e164>`        | `APIMESSAGE#<msg_ id>` |
 *
 * The id is a hash of the key, so the item is both the key's claim and the message. Every write is
 * conditional on the claim token of the request that holds it: a request that lost its claim (a
 * retry took over an abandoned send) can no longer change the message. With the stage's activity
 * retention both items expire (DynamoDB TTL) that many days after the claim, as activities do.
 */
const keyOf = (messageId: string) => ({ pk: `APIMESSAGE#${messageId}`, sk: 'APIMESSAGE' });
const linkPrefix = 'APIMESSAGE#';
const linkOf = (to: string, messageId: string) => ({
  pk: numberPartition(to),
  sk: `${linkPrefix}${messageId}`,
});

/**
 * `claimed`: a request is sending it (its claim renewed just before the request to OpenPhone);
 * `unknown-outcome`: the send may have reached OpenPhone, to be reconciled; `done`: sent or refused.
 */
export type ApiMessageState = 'claimed' | 'unknown-outcome' | 'done';

export interface StoredApiMessage {
  messageId: string;
  /** A hash of the request body (number, text, sender): kept after an erase, it reveals neither. */
  bodyFingerprint: string;
  /** Absent once the number was erased (`erasedAt`). */
  to: string;
  /**
   * As the request gave it (E.164 or `PN…`) or the stage's default; absent until the claim's
   * holder chose the workspace's only number (chosen after the claim, so racing requests never ask).
   */
  from?: string;
  /** The sending number's id, for reconciliation (OpenPhone lists messages per number id); set with `from`. */
  phoneNumberId?: string;
  /** Absent once the number was erased (`erasedAt`). */
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
  /** When the recipient's number was erased: `to` and `text` are gone, the rest answers retries. */
  erasedAt?: string;
}

export type NewApiMessage = Omit<
  StoredApiMessage,
  'state' | 'status' | 'touchedAt' | 'updatedAt' | 'erasedAt'
>;

export interface ApiMessageRepositoryOptions {
  /** The stage's `retention.activitiesDays`: messages and their links expire as activities do. */
  retentionDays?: number;
}

export class ApiMessageRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: ApiMessageRepositoryOptions = {},
  ) {}

  async getMessage(messageId: string): Promise<StoredApiMessage | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(messageId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...message } = Item;
    return message as StoredApiMessage;
  }

  /**
   * Claims the key for this request: false when another request holds (or finished) it. The
   * number's link is written first, so no message exists that an erase misses (a link whose claim
   * then lost names a message to someone else: the erase checks `to`). Not one transaction: racing
   * transactions on one key can all be cancelled, where a conditional put always has a winner.
   */
  async claimMessage(message: NewApiMessage): Promise<boolean> {
    const expiry = this.expiryOf(message.claimedAt);
    await this.documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...linkOf(message.to, message.messageId),
          entity: 'api-message-link',
          messageId: message.messageId,
          ...expiry,
        },
      }),
    );
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
            ...expiry,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Erases the messages sent to a number: `to` and `text` removed, `erasedAt` set, the links
   * deleted; id, status, sender and times stay, so a retry with the key answers without sending
   * again (a message still being sent is closed as it stands). Answers how many were erased.
   */
  async eraseMessagesTo(
    phoneNumber: string,
    erasedAt: string,
    /** The status to keep: the further of the message's own and its delivery's (read before it goes). */
    finalStatusOf: (message: StoredApiMessage) => Promise<ApiMessageStatus> = async (m) => m.status,
  ): Promise<number> {
    const links = await queryAll(this.documentClient, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': numberPartition(phoneNumber), ':prefix': linkPrefix },
      ConsistentRead: true,
    });
    let erased = 0;
    for (const link of links) {
      const messageId = String(link.messageId);
      const message = await this.getMessage(messageId);
      // A link left by a claim that lost to another body names a message to someone else.
      const sentToThisNumber =
        message?.to === phoneNumber &&
        (await this.ifConditionHolds(async () =>
          this.documentClient.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: keyOf(messageId),
              UpdateExpression: 'SET erasedAt = :at, #state = :done, #status = :status REMOVE #to, #text',
              ConditionExpression: '#to = :number',
              ExpressionAttributeNames: {
                '#to': 'to',
                '#text': 'text',
                '#state': 'state',
                '#status': 'status',
              },
              ExpressionAttributeValues: {
                ':at': erasedAt,
                ':done': 'done',
                ':number': phoneNumber,
                ':status': await finalStatusOf(message),
              },
            }),
          ),
        ));
      if (sentToThisNumber) erased++;
      await this.documentClient.send(
        new DeleteCommand({ TableName: this.tableName, Key: linkOf(phoneNumber, messageId) }),
      );
    }
    return erased;
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

  private expiryOf(claimedAt: string): { expiresAt?: number } {
    const days = this.options.retentionDays;
    return days === undefined ? {} : { expiresAt: Math.floor(Date.parse(claimedAt) / 1000) + days * 86_400 };
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
