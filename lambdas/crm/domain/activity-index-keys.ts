// The index keys an activity's facts imply: its contact's timeline, its conversation, its day.
import type { ActivityFacts } from './activity';
import {
  activityDayPartition,
  activityOrderKey,
  conversationPartition,
  crmTableKeys,
  numberPartition,
} from './crm-keys';

/** The index attributes an activity's facts imply (absent until the facts are known). */
export function activityIndexKeys(activityId: string, facts: ActivityFacts): Record<string, string> {
  if (!facts.createdAt) return {};
  const order = activityOrderKey(facts.createdAt, activityId);
  const contact = facts.contactNumbers?.[0];
  return {
    ...(contact ? { timelinePk: numberPartition(contact), timelineSk: order } : {}),
    ...(facts.conversationId
      ? { conversationPk: conversationPartition(facts.conversationId), conversationSk: order }
      : {}),
    ...activityDayKeys(order, facts),
  };
}

/** A message's or call's entry in the day index: only once its direction is known (tasks have none). */
function activityDayKeys(order: string, facts: ActivityFacts): Record<string, string> {
  const created = Date.parse(facts.createdAt ?? '');
  if (!facts.direction || facts.kind === 'task' || Number.isNaN(created)) return {};
  return {
    [crmTableKeys.activityDayPartitionKey]: activityDayPartition(
      new Date(created).toISOString().slice(0, 10),
    ),
    [crmTableKeys.activityDaySortKey]: order,
  };
}

/**
 * Timeline keys of a group message's other contacts (the activity item itself carries the
 * first): one timeline entry item each, so every member's timeline lists the message.
 */
export function extraTimelineKeys(
  activityId: string,
  facts: ActivityFacts,
): { phoneNumber: string; timelinePk: string; timelineSk: string }[] {
  if (!facts.createdAt || !facts.contactNumbers) return [];
  const order = activityOrderKey(facts.createdAt, activityId);
  return facts.contactNumbers
    .slice(1)
    .map((phoneNumber) => ({ phoneNumber, timelinePk: numberPartition(phoneNumber), timelineSk: order }));
}
