import { callOutcomeOf, conversationKeyOf } from '../../crm';
import { crmEventId, text, type Item } from './crm-event-ids';
import type { CrmEventSettings } from './crm-event-mapping';
import type { CrmEvent, CrmEventDetail } from './crm-event-schemas';

/**
 * The follow-up events: what a conversation record's change or a call's end means to the office.
 * - `conversation.waiting`: the reply-due timer set `overdueSince` on a spell (once per spell);
 * - `conversation.answered`: an answer ended a spell (`lastResponse` changed);
 * - `call.missed`: an inbound call's record first says it ended unanswered. A voicemail known by
 *   then is in it; one that comes later is only `activity.updated` (no second `call.missed`).
 */

type ConversationRef = CrmEventDetail<'conversation.answered'>['conversation'];

function defined<T extends Item>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function conversationRefOf(item: Item): ConversationRef {
  return defined({
    id: String(item.conversationKey),
    conversationId: text(item.conversationId),
    phoneNumberId: text(item.phoneNumberId),
    ourNumber: text(item.ourNumber),
    contactNumber: String(item.contactNumber),
  });
}

interface LastResponse {
  waitingSince: string;
  answeredAt: string;
  answeredBy: { activityId: string; kind: string; userId?: string };
  responseBusinessMinutes: number;
  withinTarget: boolean;
  replyTargetMinutes: number;
}

export function conversationEvents(oldImage: Item | undefined, newImage: Item): CrmEvent[] {
  const events: CrmEvent[] = [];
  const id = String(newImage.conversationKey);
  const overdueSince = text(newImage.overdueSince);
  const waitingSince = text(newImage.waitingSince);
  // The same mark kept by a later write of the spell (another message, an earlier start) is no news.
  const firedBefore = text(oldImage?.overdueSince) === overdueSince;
  if (overdueSince && waitingSince && newImage.waiting === true && !firedBefore) {
    const waitingFor = newImage.waitingFor as { activityId: string; at: string; kind: string } | undefined;
    events.push({
      detailType: 'conversation.waiting',
      detail: {
        eventId: crmEventId('conversation.waiting', id, { overdueSince }),
        occurredAt: overdueSince,
        conversation: {
          ...conversationRefOf(newImage),
          waitingSince,
          replyDueAt: text(newImage.replyDueAt) ?? overdueSince,
          replyTargetMinutes: Number(newImage.replyTargetMinutes ?? 0),
          ...(waitingFor
            ? {
                waitingFor: {
                  activityId: waitingFor.activityId,
                  at: waitingFor.at,
                  kind: waitingFor.kind as 'message' | 'missed-call' | 'voicemail',
                },
              }
            : {}),
        },
        waitingBusinessMinutes: Number(newImage.overdueBusinessMinutes ?? 0),
        changes: ['overdue'],
      },
    });
  }
  const response = newImage.lastResponse as LastResponse | undefined;
  const before = oldImage?.lastResponse as LastResponse | undefined;
  const sameSpell = (a?: LastResponse, b?: LastResponse) =>
    a?.waitingSince === b?.waitingSince && a?.answeredAt === b?.answeredAt;
  if (response && !sameSpell(response, before)) {
    const { activityId, kind, userId } = response.answeredBy;
    events.push({
      detailType: 'conversation.answered',
      detail: {
        eventId: crmEventId('conversation.answered', id, {
          waitingSince: response.waitingSince,
          answeredAt: response.answeredAt,
        }),
        occurredAt: response.answeredAt,
        conversation: conversationRefOf(newImage),
        waitingSince: response.waitingSince,
        answeredAt: response.answeredAt,
        answeredBy: defined({ activityId, kind: kind as 'message' | 'answered-call', userId }),
        responseBusinessMinutes: response.responseBusinessMinutes,
        replyTargetMinutes: response.replyTargetMinutes,
        withinTarget: response.withinTarget,
        changes: ['answered'],
      },
    });
  }
  return events;
}

const isMissed = (item: Item | undefined) =>
  item !== undefined &&
  typeof item.createdAt === 'string' &&
  item.kind === 'call' &&
  ['missed', 'voicemail'].includes(
    callOutcomeOf({
      direction: text(item.direction),
      status: text(item.status),
      answeredAt: text(item.answeredAt),
      voicemail: item.voicemail,
    }) ?? '',
  );

export function callMissedEvents(
  oldImage: Item | undefined,
  newImage: Item,
  settings: CrmEventSettings,
): CrmEvent[] {
  if (!isMissed(newImage) || isMissed(oldImage)) return [];
  const contactNumber = (newImage.contactNumbers as string[] | undefined)?.[0];
  if (!contactNumber) return [];
  const activityId = String(newImage.activityId);
  const parties = defined({
    conversationId: text(newImage.conversationId),
    phoneNumberId: text(newImage.phoneNumberId),
    ourNumber: (newImage.to as string[] | undefined)?.[0],
    contactNumber,
  });
  const voicemail = newImage.voicemail as { transcript?: string } | undefined;
  const at = String(newImage.createdAt);
  return [
    {
      detailType: 'call.missed',
      detail: {
        eventId: crmEventId('call.missed', activityId, 'missed'),
        occurredAt: text(newImage.statusAt) ?? at,
        activityId,
        callId: activityId,
        conversation: { id: conversationKeyOf(parties), ...parties },
        at,
        voicemail: voicemail !== undefined && voicemail !== null,
        ...(settings.includeText && voicemail?.transcript
          ? { voicemailTranscript: voicemail.transcript }
          : {}),
        changes: ['missed'],
      },
    },
  ];
}
