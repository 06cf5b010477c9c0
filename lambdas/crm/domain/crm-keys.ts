/**
 * The CRM table's single-table layout: attribute and index names (read by the CDK construct and
 * the repository) and the key of every item kind.
 *
 * | item                      | pk                  | sk                                  |
 * |---------------------------|---------------------|-------------------------------------|
 * | activity (message, call)  | `ACTIVITY#<AC id>`  | `ACTIVITY`                          |
 * | timeline entry (group)    | `ACTIVITY#<AC id>`  | `TIMELINE#<e164>`                   |
 * | contact                   | `CONTACT#<id>`      | `CONTACT`                           |
 * | contact ↔ phone link      | `NUMBER#<e164>`     | `CONTACT#<id>`                      |
 * | suppression, per reason   | `NUMBER#<e164>`     | `SUPPRESSION#<reason>`              |
 * | suppression audit entry   | `NUMBER#<e164>`     | `AUDIT#<at>#<reason>#<action>#<ref>`|
 * | delivery health (bounces) | `NUMBER#<e164>`     | `DELIVERY`                          |
 * | last "reply YES" prompt   | `NUMBER#<e164>`     | `CONSENT-PROMPT`                    |
 * | consent reply claim       | `CONSENTREPLY#<inbound message id>` | `CONSENTREPLY`       |
 * | last consent reply (24 h) | `NUMBER#<e164>`     | `REPLIED#<opt-out or help>`         |
 * | erasure marker (latest)   | `NUMBER#<e164>`     | `ERASURE`                           |
 * | erasure audit entry       | `NUMBER#<e164>`     | `ERASURE#<erasedAt>`                |
 * | erased activity tombstone | `ACTIVITY#<AC id>`  | `ACTIVITY` (only `erasedAt`)        |
 * | erase's second sweep, held | `ERASESWEEP#<random id>` | `ERASESWEEP` (TTL: a day)      |
 * | API message (crm-api)     | `APIMESSAGE#<msg_ id>` | `APIMESSAGE`                     |
 * | number → API message      | `NUMBER#<e164>`     | `APIMESSAGE#<msg_ id>`              |
 * | directory: workspace user | `DIRECTORY`         | `USER#<US id>`                      |
 * | directory: phone number   | `DIRECTORY`         | `PHONENUMBER#<PN id>`               |
 * | conversation state        | `CONVERSATION#<CN id or PN~e164>` | `STATE`               |
 *
 * Indexes (all sparse):
 * - `byContactNumber`: `timelinePk` = `NUMBER#<e164>` of the activity's first contact number; a
 *   group message's other contacts get a timeline entry item each, pointing at the activity.
 * - `byConversation`: `conversationPk` = `CONVERSATION#<CN id>`.
 *   (Both newest first by `<createdAt>#<activity id>`.)
 * - `bySuppressionReason`: `suppressionListPk` = `SUPPRESSED#<reason>`, `suppressionListSk` =
 *   `<changedAt>#<e164>`: the active suppressions of one reason, oldest first, so an operator's
 *   `suppressions list --reason R --since T` is one query. Set while a suppression is active,
 *   removed when it is lifted.
 * - `byWaiting`: `waitingPk` = `WAITING`, `waitingSk` = `<waitingSince>#<conversation key>`: the
 *   conversations waiting for an answer, oldest first. Set while one waits, removed when answered.
 * - `byTime`, two kinds of item in one index (CloudFormation adds one index to a table per
 *   deploy; one index for both keeps an upgrade to one deploy), `timePk` / `timeSk`:
 *   - `DUE` / `<replyDueAt>#<conversation key>` on a conversation record: the waiting spells the
 *     reply-due timer has not fired yet, soonest first (decision 0008). Set when a spell starts,
 *     removed when it ends or the timer marks it overdue.
 *   - `ACTIVITYDAY#<UTC day of createdAt>` / `<createdAt>#<id>` on an activity: every message and
 *     call of a day (the response-time report). Written once, when the activity's time and
 *     direction are first known; never rewritten (its projection is constant).
 */
export const crmTableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timelineIndex: 'byContactNumber',
  timelinePartitionKey: 'timelinePk',
  timelineSortKey: 'timelineSk',
  conversationIndex: 'byConversation',
  conversationPartitionKey: 'conversationPk',
  conversationSortKey: 'conversationSk',
  suppressionListIndex: 'bySuppressionReason',
  suppressionListPartitionKey: 'suppressionListPk',
  suppressionListSortKey: 'suppressionListSk',
  waitingIndex: 'byWaiting',
  waitingPartitionKey: 'waitingPk',
  waitingSortKey: 'waitingSk',
  // One index, `byTime`, for the reply-due timer and the day index (see above).
  replyDueIndex: 'byTime',
  replyDuePartitionKey: 'timePk',
  replyDueSortKey: 'timeSk',
  activityDayIndex: 'byTime',
  activityDayPartitionKey: 'timePk',
  activityDaySortKey: 'timeSk',
  /**
   * DynamoDB's TTL attribute (epoch seconds): set on activities when the stage has a retention, and
   * on an erase's held second sweep.
   */
  expiresAt: 'expiresAt',
} as const;

/** What the suppression list index carries: the suppression item's own attributes. */
export const suppressionListAttributes = [
  'entity',
  'phoneNumber',
  'reason',
  'active',
  'changedAt',
  'reference',
] as const;

/** What the waiting index carries: what the queue filters on, constant through a waiting spell. */
export const waitingIndexAttributes = [
  'conversationKey',
  'phoneNumberId',
  'ourNumber',
  'assignedTo',
] as const;

/** The waiting index's key of a conversation waiting since `waitingSince`. */
export const waitingKey = (waitingSince: string, conversationKey: string) => ({
  waitingPk: 'WAITING',
  waitingSk: `${waitingSince}#${conversationKey}`,
});

/** The list index's key of an active suppression. */
export const suppressionListKey = (reason: string, changedAt: string, phoneNumber: string) => ({
  suppressionListPk: `SUPPRESSED#${reason}`,
  suppressionListSk: `${changedAt}#${phoneNumber}`,
});

/**
 * What the timeline and conversation indexes carry beside their keys: the item's kind and the
 * activity it is or points at, neither of which ever changes. So an update of an activity (a
 * delivery status, a recording, a summary) rewrites no index entry: only its creation writes one
 * per index. A page reads the activities themselves (one BatchGetItem): reads cost a fifth of a
 * write, and webhooks write far more often than anyone reads a timeline.
 */
export const activityIndexAttributes = ['entity', 'activityId'] as const;

/** Activity attributes a list (timeline, conversation) shows: everything but the transcript, which can be large. */
export const activityListAttributes = [
  'entity',
  'activityId',
  'kind',
  'direction',
  'from',
  'to',
  'participants',
  'contactNumbers',
  'conversationId',
  'userId',
  'phoneNumberId',
  'createdAt',
  'text',
  'media',
  'answeredAt',
  'completedAt',
  'durationSeconds',
  'status',
  'statusAt',
  'recordings',
  'voicemail',
  'summary',
  'nextSteps',
  'sources',
  'conversationDeletedAt',
] as const;

export interface ItemKey {
  pk: string;
  sk: string;
}

export const numberPartition = (phoneNumber: string) => `NUMBER#${phoneNumber}`;
/** Every number's partition, as an IAM `dynamodb:LeadingKeys` pattern: suppressions, never activities. */
export const numberPartitions = numberPartition('*');
export const conversationPartition = (conversationId: string) => `CONVERSATION#${conversationId}`;
/** The day index's partition of a UTC day (`YYYY-MM-DD`). */
export const activityDayPartition = (utcDay: string) => `ACTIVITYDAY#${utcDay}`;

export const crmKeys = {
  activity: (activityId: string): ItemKey => ({ pk: `ACTIVITY#${activityId}`, sk: 'ACTIVITY' }),
  timelineEntry: (activityId: string, phoneNumber: string): ItemKey => ({
    pk: `ACTIVITY#${activityId}`,
    sk: `TIMELINE#${phoneNumber}`,
  }),
  contact: (contactId: string): ItemKey => ({ pk: `CONTACT#${contactId}`, sk: 'CONTACT' }),
  contactPhoneLink: (phoneNumber: string, contactId: string): ItemKey => ({
    pk: numberPartition(phoneNumber),
    sk: `CONTACT#${contactId}`,
  }),
  contactPhoneLinkPrefix: 'CONTACT#',
  suppression: (phoneNumber: string, reason: string): ItemKey => ({
    pk: numberPartition(phoneNumber),
    sk: `SUPPRESSION#${reason}`,
  }),
  suppressionPrefix: 'SUPPRESSION#',
  suppressionAudit: (
    phoneNumber: string,
    at: string,
    reason: string,
    action: string,
    reference: string,
  ): ItemKey => ({
    pk: numberPartition(phoneNumber),
    sk: `AUDIT#${at}#${reason}#${action}#${reference}`,
  }),
  suppressionAuditPrefix: 'AUDIT#',
  deliveryHealth: (phoneNumber: string): ItemKey => ({ pk: numberPartition(phoneNumber), sk: 'DELIVERY' }),
  consentPrompt: (phoneNumber: string): ItemKey => ({
    pk: numberPartition(phoneNumber),
    sk: 'CONSENT-PROMPT',
  }),
  consentReplyClaim: (messageId: string): ItemKey => ({
    pk: `CONSENTREPLY#${messageId}`,
    sk: 'CONSENTREPLY',
  }),
  lastConsentReply: (phoneNumber: string, kind: string): ItemKey => ({
    pk: numberPartition(phoneNumber),
    sk: `REPLIED#${kind}`,
  }),
  erasure: (phoneNumber: string): ItemKey => ({ pk: numberPartition(phoneNumber), sk: 'ERASURE' }),
  erasureAudit: (phoneNumber: string, erasedAt: string): ItemKey => ({
    pk: numberPartition(phoneNumber),
    sk: `ERASURE#${erasedAt}`,
  }),
  erasureAuditPrefix: 'ERASURE#',
  /** What an erase's second sweep needs, under an opaque id: the state machine's input is only the id. */
  heldSecondSweep: (sweepId: string): ItemKey => ({ pk: `ERASESWEEP#${sweepId}`, sk: 'ERASESWEEP' }),
  timelineEntryPrefix: 'TIMELINE#',
  directoryPartition: 'DIRECTORY',
  directoryUser: (userId: string): ItemKey => ({ pk: 'DIRECTORY', sk: `USER#${userId}` }),
  directoryUserPrefix: 'USER#',
  directoryPhoneNumber: (phoneNumberId: string): ItemKey => ({
    pk: 'DIRECTORY',
    sk: `PHONENUMBER#${phoneNumberId}`,
  }),
  directoryPhoneNumberPrefix: 'PHONENUMBER#',
  conversationState: (conversationKey: string): ItemKey => ({
    pk: `CONVERSATION#${conversationKey}`,
    sk: 'STATE',
  }),
} as const;

/** Sort key of an activity in both indexes: creation time, then id so equal times stay distinct. */
export const activityOrderKey = (createdAt: string, activityId: string) => `${createdAt}#${activityId}`;
