/**
 * The campaign table's single-table layout: attribute and index names (read by the CDK construct
 * and the repository) and the key of every item kind.
 *
 * | item                        | pk                               | sk                    |
 * |-----------------------------|----------------------------------|-----------------------|
 * | campaign (definition, state)| `CAMPAIGN#<id>`                  | `CAMPAIGN`            |
 * | recipient (and its state)   | `CAMPAIGN#<id>`                  | `RECIPIENT#<e164>`    |
 * | per-variant statistics      | `CAMPAIGN#<id>`                  | `VARIANT#<variant id>`|
 * | daily cold-outreach counter | `DAILYCAP#<sending number>#<day>`| `DAILYCAP`            |
 * | campaign message (lookup)   | `CAMPAIGNMSG#<message id>`       | `CAMPAIGNMSG`         |
 * | latest send (no longer put) | `LATESTSEND#<recipient e164>`    | `FROM#<sending number>`|
 * | sends to a number, last 24 h| `RECENTSENDS#<recipient e164>`   | `RECENTSENDS`         |
 * | number → its recipient rows | `RECIPIENTOF#<e164>`             | `CAMPAIGN#<id>`       |
 * | an erased recipient         | `CAMPAIGN#<id>`                  | `RECIPIENT#erased#<uuid>`|
 *
 * The message lookup is put just before a recipient is marked sent: a delivery webhook names only
 * OpenPhone's message id. A reply names the two numbers: the number's links lead to its recipient
 * rows, which carry the sending number and time. (Stacks before issue 29 also put a latest-send
 * item per send; erasure still deletes those until their TTL removes them.)
 *
 * One sparse index, `byWorkKeys`, holds only what a sender has to look at: a running campaign
 * (`workPk` = `RUNNING`) and each recipient still open (`workPk` = `OPEN#<campaign id>`:
 * pending, claimed or unknown-outcome). Finished recipients drop out of it, so a sender never
 * reads past the work already done. It projects the keys and `campaignId` only (no attribute a
 * claim changes), so claiming a recipient writes the table alone; the sender reads the rows by key.
 * (It replaced `byWork`, which projected every attribute: a claim cost an index write too.)
 */
import { dailyCapCounterKey } from './daily-cap';

export const campaignTableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  workIndex: 'byWorkKeys',
  /** The only attribute besides the keys the work index projects (never changed by a claim). */
  workIndexAttributes: ['campaignId'],
  workPartitionKey: 'workPk',
  workSortKey: 'workSk',
  /** Epoch seconds; DynamoDB's TTL removes old daily counters and tracking lookups. */
  expiresAt: 'expiresAt',
} as const;

export interface CampaignItemKey {
  pk: string;
  sk: string;
}

const campaignPartition = (campaignId: string) => `CAMPAIGN#${campaignId}`;
const latestSendPartition = (recipientPhone: string) => `LATESTSEND#${recipientPhone}`;

export const campaignKeys = {
  campaign: (campaignId: string): CampaignItemKey => ({ pk: campaignPartition(campaignId), sk: 'CAMPAIGN' }),
  recipient: (campaignId: string, phoneNumber: string): CampaignItemKey => ({
    pk: campaignPartition(campaignId),
    sk: `RECIPIENT#${phoneNumber}`,
  }),
  recipientPrefix: 'RECIPIENT#',
  /** A recipient whose number was erased: no number in its key, its state still counted. */
  erasedRecipient: (campaignId: string, uniqueId: string): CampaignItemKey => ({
    pk: campaignPartition(campaignId),
    sk: `RECIPIENT#erased#${uniqueId}`,
  }),
  /** The campaigns a number is a recipient of, so an erase finds its rows with one query. */
  recipientLink: (phoneNumber: string, campaignId: string): CampaignItemKey => ({
    pk: `RECIPIENTOF#${phoneNumber}`,
    sk: campaignPartition(campaignId),
  }),
  recipientLinkPartition: (phoneNumber: string) => `RECIPIENTOF#${phoneNumber}`,
  latestSendPartition,
  /** Times of campaign sends to a number (any campaign) for states' caps per 24 h; expires a day after the last. */
  recentSends: (phoneNumber: string): CampaignItemKey => ({
    pk: `RECENTSENDS#${phoneNumber}`,
    sk: 'RECENTSENDS',
  }),
  variantStatistics: (campaignId: string, variantId: string): CampaignItemKey => ({
    pk: campaignPartition(campaignId),
    sk: `VARIANT#${variantId}`,
  }),
  variantStatisticsPrefix: 'VARIANT#',
  dailyCapCounter: (sendingNumber: string, businessDay: string): CampaignItemKey => ({
    pk: `DAILYCAP#${dailyCapCounterKey(sendingNumber, businessDay)}`,
    sk: 'DAILYCAP',
  }),
  /** Message id → the campaign, recipient and variant it was sent for (delivery webhooks). */
  campaignMessage: (messageId: string): CampaignItemKey => ({
    pk: `CAMPAIGNMSG#${messageId}`,
    sk: 'CAMPAIGNMSG',
  }),
  /** The latest campaign send to a number from one sending number (replies and opt-outs). */
  latestSend: (recipientPhone: string, sendingNumber: string): CampaignItemKey => ({
    pk: latestSendPartition(recipientPhone),
    sk: `FROM#${sendingNumber}`,
  }),
  /** `workPk` of a running campaign. */
  runningWork: 'RUNNING',
  /** `workPk` of a scheduled campaign; its `workSk` is `<startAt>#<campaign id>`, so due ones sort first. */
  scheduledWork: 'SCHEDULED',
  /** `workPk` of a campaign's open recipients. */
  openWork: (campaignId: string) => `OPEN#${campaignId}`,
} as const;

/**
 * The partitions campaign tracking (the message processors) may touch, as IAM `dynamodb:LeadingKeys`
 * patterns: it reads message lookups, queries a number's links (the rows a reply may answer), reads
 * of a recipient row only what a send recorded (`sentRowAttributes`: never its number's CSV fields
 * or a campaign's definition), and updates recipients; never a daily cap or the recent sends.
 */
export const campaignTrackingPartitions = {
  read: [campaignKeys.campaignMessage('*').pk],
  query: [campaignKeys.recipientLinkPartition('*')],
  readSent: [campaignKeys.campaign('*').pk],
  update: [campaignKeys.campaign('*').pk],
} as const;

/** What a reply's attribution reads of a recipient row (its keys and what the send recorded). */
export const sentRowAttributes = [
  'pk',
  'sk',
  'campaignId',
  'state',
  'variantId',
  'sendingNumber',
  'messageId',
  'sentAt',
] as const;

/**
 * A recipient's life: pending → claimed → sent | failed | skipped, or claimed → unknown-outcome
 * when the send's fate is unknown; reconciliation then finds the message (sent) or not (pending).
 * `parked`: OpenPhone could not be asked whether the message left, time after time; never sent
 * again by the sender (an operator looks), and no longer holding the campaign open.
 */
export const recipientStates = [
  'pending',
  'claimed',
  'unknown-outcome',
  'sent',
  'failed',
  'skipped',
  'parked',
] as const;
export type RecipientState = (typeof recipientStates)[number];

/** States that still need a sender: they stay in the work index. */
export const openRecipientStates: readonly RecipientState[] = ['pending', 'claimed', 'unknown-outcome'];

/**
 * `no-sending-window`: the campaign's window and the recipient's state's rule do not overlap;
 * `erased`: the number was erased before it was sent to.
 */
export type SkipReason = 'suppressed' | 'unrenderable' | 'no-sending-window' | 'erased';
