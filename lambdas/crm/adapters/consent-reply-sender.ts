import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../shared/dynamo';
import { isDefiniteRefusal, type OpenPhoneClient } from '../../openphone';
import { crmKeys } from '../domain/crm-keys';
import {
  consentReplyQuietMs,
  consentReplyText,
  type ConsentReplyKind,
  type ConsentReplySettings,
} from '../domain/consent-replies';
import { ConsentReplyInFlightError } from '../errors';

export interface ConsentReplyRequest {
  kind: ConsentReplyKind;
  /** The person who wrote STOP or HELP (E.164). */
  phoneNumber: string;
  /** The incoming message's id: the reply is sent once per message, whatever the retries. */
  messageId: string;
  /**
   * Our number that received it: its id (PN…), or its E.164 number when the event named no id (a
   * new-envelope `context` without one); the reply goes from there.
   */
  phoneNumberId: string;
}

/** `outcome-unknown`: a lost send that cannot be looked up (no PN… id to list by): not sent again. */
export type ConsentReplyOutcome =
  | 'sent'
  | 'already-handled'
  | 'recently-replied'
  | 'reconciled-sent'
  | 'refused-by-openphone'
  | 'outcome-unknown';

export interface ConsentReplySenderOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  /** A client in the `interactive` lane of the shared limiter. */
  openPhone: Pick<OpenPhoneClient, 'sendMessage' | 'listMessages'>;
  settings: ConsentReplySettings;
  /** A claim untouched this long belongs to an attempt that is gone. @default 2 min */
  staleClaimMs?: number;
  /** How long to wait for a claim in flight to finish before failing into a retry. @default 5 s */
  inFlightWaitMs?: number;
  now?: () => Date;
}

/**
 * Sends the confirmation reply to an opt-out or HELP exactly once per incoming message: a
 * conditional put claims the message before anything is sent; a retry that finds the claim with
 * no recorded result (the send's outcome unknown) looks for the reply at OpenPhone before sending
 * again, like the campaign sender's reconciliation. A per-number item keeps a second reply of the
 * same kind from going out within 24 hours. Each reply sent is written on the number's audit trail.
 */
export class ConsentReplySender {
  private readonly staleClaimMs: number;
  private readonly inFlightWaitMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: ConsentReplySenderOptions) {
    this.staleClaimMs = options.staleClaimMs ?? 120_000;
    this.inFlightWaitMs = options.inFlightWaitMs ?? 5_000;
    this.now = options.now ?? (() => new Date());
  }

  async reply(request: ConsentReplyRequest): Promise<ConsentReplyOutcome> {
    const claimedAt = this.now().toISOString();
    if (!(await this.claim(request, claimedAt))) {
      const outcome = await this.settleExistingClaim(request);
      if (outcome) return outcome;
    }
    if (!(await this.takeQuietPeriod(request))) {
      await this.finish(request, { state: 'skipped' });
      return 'recently-replied';
    }
    const content = consentReplyText(request.kind, this.options.settings);
    let sentId: string;
    try {
      const sent = await this.options.openPhone.sendMessage({
        content,
        from: request.phoneNumberId,
        to: [request.phoneNumber],
      });
      sentId = sent.id;
    } catch (error) {
      // A definite refusal (not 429, not 5xx) will not change on retry: recorded, not repeated.
      if (isDefiniteRefusal(error)) {
        await this.finish(request, { state: 'refused', status: error.status });
        return 'refused-by-openphone';
      }
      throw error; // unknown outcome: the claim stays, a retry reconciles
    }
    await this.recordSent(request, sentId);
    return 'sent';
  }

  private async claim(request: ConsentReplyRequest, claimedAt: string): Promise<boolean> {
    const { documentClient, tableName } = this.options;
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...crmKeys.consentReplyClaim(request.messageId),
            entity: 'consent-reply',
            kind: request.kind,
            phoneNumber: request.phoneNumber,
            state: 'claimed',
            claimedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** A claim exists: done, in flight elsewhere, or abandoned with an unknown outcome (reconciled). */
  private async settleExistingClaim(request: ConsentReplyRequest): Promise<ConsentReplyOutcome | undefined> {
    const { documentClient, tableName } = this.options;
    const readClaim = async () =>
      (
        await documentClient.send(
          new GetCommand({
            TableName: tableName,
            Key: crmKeys.consentReplyClaim(request.messageId),
            ConsistentRead: true,
          }),
        )
      ).Item;
    const fresh = (item: Record<string, unknown>) =>
      this.now().getTime() - Date.parse(item.claimedAt as string) < this.staleClaimMs;
    let Item = await readClaim();
    // Another copy of the message (the other system's, during a migration) is sending: a send takes
    // well under a second, so wait for it rather than fail this event into a queue retry.
    const waitUntil = Date.now() + this.inFlightWaitMs;
    while (Item?.state === 'claimed' && fresh(Item) && Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      Item = await readClaim();
    }
    if (!Item || Item.state !== 'claimed') return 'already-handled';
    const claimedAt = Item.claimedAt as string;
    if (fresh(Item)) throw new ConsentReplyInFlightError(request.messageId);
    // Messages are listed by line id only: without one, a second send could be a second reply.
    if (!request.phoneNumberId.startsWith('PN')) {
      await this.finish(request, { state: 'unknown' });
      return 'outcome-unknown';
    }
    const found = await this.findSentReply(request, claimedAt);
    if (found) {
      await this.recordSent(request, found);
      return 'reconciled-sent';
    }
    // Not at OpenPhone: take the claim over (conditional on it being the one read) and send.
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: crmKeys.consentReplyClaim(request.messageId),
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression: '#state = :claimed AND claimedAt = :was',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':now': this.now().toISOString(),
            ':claimed': 'claimed',
            ':was': claimedAt,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConsentReplyInFlightError(request.messageId);
      throw error;
    }
    return undefined;
  }

  private async findSentReply(request: ConsentReplyRequest, claimedAt: string): Promise<string | undefined> {
    const content = consentReplyText(request.kind, this.options.settings);
    for await (const page of this.options.openPhone.listMessages({
      phoneNumberId: request.phoneNumberId,
      participants: [request.phoneNumber],
      createdAfter: new Date(Date.parse(claimedAt) - 60_000).toISOString(),
    })) {
      const match = page.data.find((m) => m.direction === 'outgoing' && m.text === content);
      if (match) return match.id;
    }
    return undefined;
  }

  /** The number's last reply of this kind is older than 24 h (or was this message's): take it. */
  private async takeQuietPeriod(request: ConsentReplyRequest): Promise<boolean> {
    const { documentClient, tableName } = this.options;
    const now = this.now();
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: crmKeys.lastConsentReply(request.phoneNumber, request.kind),
          UpdateExpression: 'SET entity = :entity, lastAt = :now, byMessage = :me',
          ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt < :dayAgo OR byMessage = :me',
          ExpressionAttributeValues: {
            ':entity': 'consent-reply-latest',
            ':now': now.toISOString(),
            ':me': request.messageId,
            ':dayAgo': new Date(now.getTime() - consentReplyQuietMs).toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async recordSent(request: ConsentReplyRequest, replyId: string): Promise<void> {
    const { documentClient, tableName } = this.options;
    const at = this.now().toISOString();
    await this.finish(request, { state: 'sent', replyId });
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...crmKeys.suppressionAudit(request.phoneNumber, at, request.kind, 'reply-sent', replyId),
          entity: 'suppression-audit',
          phoneNumber: request.phoneNumber,
          reason: request.kind,
          action: 'reply-sent',
          at,
          reference: replyId,
          note: `${request.kind} reply to ${request.messageId}`,
        },
      }),
    );
  }

  private async finish(request: ConsentReplyRequest, result: Record<string, unknown>): Promise<void> {
    const { documentClient, tableName } = this.options;
    const names = Object.fromEntries(Object.keys(result).map((k, i) => [`#a${i}`, k]));
    const values = Object.fromEntries(Object.values(result).map((v, i) => [`:v${i}`, v]));
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: crmKeys.consentReplyClaim(request.messageId),
        UpdateExpression: `SET ${Object.keys(names)
          .map((n, i) => `${n} = :v${i}`)
          .join(', ')}, finishedAt = :finishedAt`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':finishedAt': this.now().toISOString() },
      }),
    );
  }
}
