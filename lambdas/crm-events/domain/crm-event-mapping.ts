import { activityHeadingFields, completeErasureCounts, type ErasureCounts } from '../../crm';
import { activityAspects, type CrmEvent, type CrmEventDetail } from './crm-event-schemas';
import { canonicalJson, crmEventId, text } from './crm-event-ids';
import { callMissedEvents, conversationEvents } from './follow-up-events';

/**
 * Which CRM events one write makes: the item before and after it (a DynamoDB stream record's old
 * and new image, unmarshalled) → zero or more events. Pure: the same images always give the same
 * events with the same ids, so a replayed stream record publishes the same ids again and a
 * consumer de-duplicates on `eventId`.
 *
 * | item (entity)   | event                                                                     |
 * |-----------------|---------------------------------------------------------------------------|
 * | activity        | `activity.recorded` once its facts arrive (`createdAt`), with the aspects |
 * |                 | already there; then `activity.updated` per write that changes an aspect;  |
 * |                 | an outgoing message's status change is `message.status-changed` instead   |
 * | contact         | `contact.changed` (created, updated: the fields that changed, deleted)    |
 * | suppression     | `consent.changed` when a reason becomes active or is lifted               |
 * | campaign        | `campaign.completed` when its status becomes `completed`                  |
 * | erasure-audit   | `contact.erased` when an erase's audit entry (its counts) is written      |
 * | erased-activity | `activity.erased` when an activity becomes an erase's tombstone           |
 * | activity (call) | also `call.missed` once, when an inbound call is first known unanswered   |
 * | conversation    | `conversation.waiting` when the timer marks a spell overdue;              |
 * |                 | `conversation.answered` when an answer ends a spell (follow-up-events.ts) |
 *
 * Writes that change no content (bookkeeping: `sources`, archive keys, a newer time with the same
 * value, index keys) publish nothing; neither do other item kinds (timeline entries, audits…).
 */

export type { Item } from './crm-event-ids';
import type { Item } from './crm-event-ids';

export interface ItemChange {
  oldImage?: Item;
  newImage?: Item;
}

export interface CrmEventSettings {
  /** Message text, summaries and transcripts in activity events. @default false */
  includeText: boolean;
}

/** EventBridge refuses an entry over 256 KB; text is dropped (and said so) to stay under this. */
const maxDetailBytes = 200_000;

export function crmEventsOf(change: ItemChange, settings: CrmEventSettings): CrmEvent[] {
  const entity = (change.newImage ?? change.oldImage)?.entity;
  if (!change.newImage) return []; // a removal (TTL, erase) is not a CRM change to announce
  switch (entity) {
    case 'activity':
      return [
        ...activityEvents(change.oldImage, change.newImage, settings),
        ...callMissedEvents(change.oldImage, change.newImage, settings),
      ];
    case 'conversation':
      return conversationEvents(change.oldImage, change.newImage);
    case 'contact':
      return contactEvents(change.oldImage, change.newImage);
    case 'suppression':
      return consentEvents(change.oldImage, change.newImage);
    case 'campaign':
      return campaignEvents(change.oldImage, change.newImage);
    case 'erasure-audit':
      return contactErasedEvents(change.oldImage, change.newImage);
    case 'erased-activity':
      return activityErasedEvents(change.oldImage, change.newImage);
    default:
      return [];
  }
}

// ---- activities -----------------------------------------------------------------------------------

type Aspect = (typeof activityAspects)[number];

const withoutArchive = (media: unknown): unknown => {
  const strip = (m: unknown) => {
    if (!m || typeof m !== 'object') return m;
    const { archiveKey: _key, archiveSkipped: _skipped, archiveSkippedReason: _why, ...rest } = m as Item;
    return rest;
  };
  return Array.isArray(media) ? media.map(strip) : strip(media);
};

/** An aspect's content as stored, without bookkeeping (archive keys, times): what a consumer sees change. */
function aspectContent(item: Item | undefined, aspect: Aspect): unknown {
  if (!item) return undefined;
  switch (aspect) {
    case 'status':
      return item.status;
    case 'recordings':
      return withoutArchive(item.recordings);
    case 'voicemail':
      return withoutArchive(item.voicemail);
    case 'summary':
      return item.summary === undefined && item.nextSteps === undefined && item.summaryStatus === undefined
        ? undefined
        : { summary: item.summary, nextSteps: item.nextSteps, status: item.summaryStatus };
    case 'transcript':
      return item.transcript;
    case 'menuSelection':
      return item.menuSelection;
    case 'taskDetails':
      return item.taskDetails;
    case 'taskChange':
      return item.taskChange;
  }
}

const isRecorded = (item: Item | undefined) => typeof item?.createdAt === 'string';

function changedAspects(oldImage: Item | undefined, newImage: Item): Aspect[] {
  return activityAspects.filter(
    (aspect) =>
      aspectContent(newImage, aspect) !== undefined &&
      canonicalJson(aspectContent(oldImage, aspect)) !== canonicalJson(aspectContent(newImage, aspect)),
  );
}

function activityEvents(oldImage: Item | undefined, newImage: Item, settings: CrmEventSettings): CrmEvent[] {
  if (!isRecorded(newImage)) return []; // aspects that came first are announced with the activity
  const activityId = String(newImage.activityId);
  const fields = activityFieldsOf(newImage, settings);
  if (!isRecorded(oldImage)) {
    const present = activityAspects.filter((aspect) => aspectContent(newImage, aspect) !== undefined);
    return [
      {
        detailType: 'activity.recorded',
        detail: fitted({
          eventId: crmEventId('activity.recorded', activityId, newImage.createdAt),
          occurredAt: String(newImage.createdAt),
          ...fields,
          changes: ['recorded', ...present],
        }),
      },
    ];
  }
  const changes = changedAspects(oldImage, newImage);
  if (changes.length === 0) return [];
  const versionOf = (aspect: Aspect) => ({
    aspect,
    at: newImage[`${aspect}At`],
    content: aspectContent(newImage, aspect),
  });
  const events: CrmEvent[] = [];
  const isOutgoingMessage = newImage.kind === 'message' && newImage.direction === 'outgoing';
  if (isOutgoingMessage && changes.includes('status')) {
    const status = String(newImage.status);
    events.push({
      detailType: 'message.status-changed',
      detail: fitted({
        eventId: crmEventId('message.status-changed', activityId, versionOf('status')),
        occurredAt: text(newImage.statusAt) ?? String(newImage.createdAt),
        ...fields,
        openPhoneMessageId: activityId,
        status,
        ...(text(oldImage?.status) ? { previousStatus: text(oldImage?.status) } : {}),
        changes: ['status'],
      }),
    });
  }
  const updated = isOutgoingMessage ? changes.filter((c) => c !== 'status') : changes;
  if (updated.length > 0) {
    const latest = updated
      .map((aspect) => text(newImage[`${aspect}At`]))
      .filter((at): at is string => at !== undefined)
      .sort()
      .at(-1);
    events.push({
      detailType: 'activity.updated',
      detail: fitted({
        eventId: crmEventId('activity.updated', activityId, updated.map(versionOf)),
        occurredAt: latest ?? String(newImage.createdAt),
        ...fields,
        changes: updated as [Aspect, ...Aspect[]],
      }),
    });
  }
  return events;
}

type ActivityFields = Omit<CrmEventDetail<'activity.updated'>, 'eventId' | 'occurredAt' | 'changes'>;

function activityFieldsOf(item: Item, settings: CrmEventSettings): ActivityFields {
  const pick = <K extends string>(...names: K[]) =>
    Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
  const voicemail = item.voicemail as { transcript?: string } | undefined;
  const transcript = item.transcript as { dialogue?: unknown[] } | undefined;
  const { title, description, ...details } = (item.taskDetails ?? {}) as Item;
  const lastChange = item.taskChange as { type?: string; needsFetch?: boolean } | undefined;
  const task =
    item.kind === 'task'
      ? { ...details, lastChange: lastChange?.type, needsFetch: lastChange?.needsFetch }
      : undefined;
  return {
    activityId: String(item.activityId),
    ...pick(...activityHeadingFields, 'durationSeconds', 'menuSelection'),
    ...(item.lastDeliveryError ? { deliveryError: item.lastDeliveryError } : {}),
    ...(task ? { task: Object.fromEntries(Object.entries(task).filter(([, v]) => v !== undefined)) } : {}),
    ...(settings.includeText
      ? {
          ...pick('text', 'summary', 'nextSteps'),
          ...(typeof title === 'string' ? { taskTitle: title } : {}),
          ...(typeof description === 'string' ? { taskDescription: description } : {}),
          ...(transcript?.dialogue ? { transcript: transcript.dialogue } : {}),
          ...(voicemail?.transcript ? { voicemailTranscript: voicemail.transcript } : {}),
        }
      : {}),
  } as ActivityFields;
}

const textFields = [
  'text',
  'summary',
  'nextSteps',
  'transcript',
  'voicemailTranscript',
  'taskTitle',
  'taskDescription',
] as const;

/** A detail small enough for EventBridge: when text makes it too large, the text goes and `textOmitted` says so. */
function fitted<T extends Partial<Record<(typeof textFields)[number], unknown>>>(detail: T): T {
  if (Buffer.byteLength(JSON.stringify(detail)) <= maxDetailBytes) return detail;
  const trimmed: Item = { ...detail, textOmitted: 'too-large' };
  for (const field of textFields) delete trimmed[field];
  return trimmed as T;
}

// ---- contacts -------------------------------------------------------------------------------------

const contactAttributes = [
  'externalId',
  'source',
  'firstName',
  'lastName',
  'company',
  'role',
  'emails',
  'phoneNumbers',
  'customFields',
  'createdAt',
  'updatedAt',
  'deleted',
  'deletedAt',
] as const;

function contactEvents(oldImage: Item | undefined, newImage: Item): CrmEvent[] {
  const contactId = String(newImage.contactId);
  const changedFields = contactAttributes.filter(
    (name) => canonicalJson(oldImage?.[name]) !== canonicalJson(newImage[name]),
  );
  if (oldImage && changedFields.length === 0) return [];
  // A delete can be the first the CRM hears of a contact: it is a deletion all the same.
  const change =
    newImage.deleted === true && oldImage?.deleted !== true ? 'deleted' : !oldImage ? 'created' : 'updated';
  const changes = change === 'updated' ? changedFields : [change];
  const contact = Object.fromEntries(
    ['contactId', ...contactAttributes]
      .filter((name) => newImage[name] !== undefined)
      .map((name) => [name, newImage[name]]),
  ) as CrmEventDetail<'contact.changed'>['contact'];
  const occurredAt =
    text(newImage.versionAt) ??
    text(newImage.updatedAt) ??
    text(newImage.createdAt) ??
    '1970-01-01T00:00:00Z';
  return [
    {
      detailType: 'contact.changed',
      detail: {
        eventId: crmEventId('contact.changed', contactId, { change, occurredAt, changes, contact }),
        occurredAt,
        contactId,
        change,
        changes,
        contact,
      },
    },
  ];
}

// ---- consent --------------------------------------------------------------------------------------

type SuppressionReason = CrmEventDetail<'consent.changed'>['reason'];

function consentEvents(oldImage: Item | undefined, newImage: Item): CrmEvent[] {
  const active = newImage.active === true;
  if (active === (oldImage?.active === true)) return []; // same state (a repeat or a newer reference)
  const phoneNumber = String(newImage.phoneNumber);
  const reason = String(newImage.reason) as SuppressionReason;
  const action = active ? 'added' : 'lifted';
  const occurredAt = String(newImage.changedAt);
  const reference = text(newImage.reference);
  return [
    {
      detailType: 'consent.changed',
      detail: {
        eventId: crmEventId('consent.changed', phoneNumber, { reason, action, occurredAt, reference }),
        occurredAt,
        phoneNumber,
        reason,
        action,
        suppressed: active,
        ...(reference ? { reference } : {}),
        changes: ['suppression'],
      },
    },
  ];
}

// ---- campaigns ------------------------------------------------------------------------------------

const statusOf = (item: Item | undefined) => (item?.state as { status?: string } | undefined)?.status;

function campaignEvents(oldImage: Item | undefined, newImage: Item): CrmEvent[] {
  if (statusOf(newImage) !== 'completed' || statusOf(oldImage) === 'completed') return [];
  const campaignId = String(newImage.campaignId);
  const name = text((newImage.definition as Item | undefined)?.name);
  return [
    {
      detailType: 'campaign.completed',
      detail: {
        eventId: crmEventId('campaign.completed', campaignId, 'completed'),
        occurredAt: text(newImage.stateChangedAt) ?? String(newImage.createdAt),
        campaignId,
        ...(name ? { name } : {}),
        changes: ['status'],
      },
    },
  ];
}

// ---- erasures ------------------------------------------------------------------------------------

function contactErasedEvents(oldImage: Item | undefined, newImage: Item): CrmEvent[] {
  if (oldImage) return []; // an audit entry is written once per erase
  const phoneNumber = String(newImage.phoneNumber);
  const occurredAt = String(newImage.erasedAt);
  return [
    {
      detailType: 'contact.erased',
      detail: {
        eventId: crmEventId('contact.erased', phoneNumber, occurredAt),
        occurredAt,
        phoneNumber,
        erased: completeErasureCounts((newImage.erased ?? {}) as Partial<ErasureCounts>),
        changes: ['erased'],
      },
    },
  ];
}

function activityErasedEvents(oldImage: Item | undefined, newImage: Item): CrmEvent[] {
  if (oldImage?.entity === 'erased-activity') return []; // already announced
  const activityId = String(newImage.activityId);
  const occurredAt = String(newImage.erasedAt);
  return [
    {
      detailType: 'activity.erased',
      detail: {
        eventId: crmEventId('activity.erased', activityId, occurredAt),
        occurredAt,
        activityId,
        changes: ['erased'],
      },
    },
  ];
}
