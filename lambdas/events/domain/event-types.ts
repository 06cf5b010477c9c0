/**
 * The one table of OpenPhone event types and the family (queue, processor) each belongs to.
 * The router, the CDK constructs and the local replica all read it.
 */
export const eventFamilies = ['messages', 'calls', 'call-intelligence', 'contacts', 'tasks'] as const;
export type EventFamily = (typeof eventFamilies)[number];

export const familyByEventType = {
  'message.received': 'messages',
  'message.delivered': 'messages',
  // OpenPhone's newer payload versions report other message outcomes with their own types.
  'message.undelivered': 'messages',
  'message.failed': 'messages',
  'message.sent': 'messages',
  'call.ringing': 'calls',
  'call.completed': 'calls',
  'call.recording.completed': 'calls',
  // Quo's new webhooks (2026-03-30): the call lifecycle, voicemails and the IVR choice, on the call's record.
  'call.answered': 'calls',
  'call.missed': 'calls',
  'call.forwarded': 'calls',
  'call.menu.selected': 'calls',
  'call.voicemail.completed': 'calls',
  'call.summary.completed': 'call-intelligence',
  'call.transcript.completed': 'call-intelligence',
  'contact.updated': 'contacts',
  'contact.created': 'contacts',
  'contact.deleted': 'contacts',
  // Quo's tasks (July 2026): one task record per task id, tied to its conversation.
  'task.created': 'tasks',
  'task.updated': 'tasks',
  'task.deleted': 'tasks',
  'task.completed': 'tasks',
  'task.reopened': 'tasks',
  'task.assigned': 'tasks',
  'task.unassigned': 'tasks',
  'task.overdue': 'tasks',
  'task.linked': 'tasks',
  'task.unlinked': 'tasks',
  'task.duedate.updated': 'tasks',
  'task.duedate.removed': 'tasks',
} as const satisfies Record<string, EventFamily>;

export type KnownEventType = keyof typeof familyByEventType;

/** The family an event type is routed to, or undefined for a type this product does not know. */
export function familyOf(eventType: string): EventFamily | undefined {
  return Object.hasOwn(familyByEventType, eventType)
    ? familyByEventType[eventType as KnownEventType]
    : undefined;
}

export function eventTypesOf(family: EventFamily): KnownEventType[] {
  return (Object.keys(familyByEventType) as KnownEventType[]).filter((t) => familyByEventType[t] === family);
}
