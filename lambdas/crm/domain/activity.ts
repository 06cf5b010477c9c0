import type { DialogueLine } from '../../openphone';

/**
 * The CRM's activity record — one per OpenPhone message or call id, whatever the source or the
 * order — and the pure mapping of webhook events and imported REST objects onto it.
 *
 * An update has two parts:
 * - facts that never change once known (direction, numbers, ids, creation time, text…): written
 *   only where still absent, so every source and order fills in the same values;
 * - aspects that do change (status, recordings, voicemail, summary, transcript): each carries its
 *   own `<aspect>At` time and is written only when newer than what is stored.
 */

export const activityKinds = ['message', 'call', 'voicemail', 'task'] as const;
export type ActivityKind = (typeof activityKinds)[number];
export type Direction = 'incoming' | 'outgoing';
/** Where an activity was learnt: a webhook, the history import, or a write through the CRM API. */
export type ActivitySource = 'webhook' | 'import' | 'api';

/**
 * What says which activity this is and between whom, without its content: the fields the CRM API's
 * view and the CRM events both carry as stored.
 */
export const activityHeadingFields = [
  'kind',
  'direction',
  'from',
  'to',
  'contactNumbers',
  'conversationId',
  'userId',
  'userName',
  'phoneNumberId',
  'phoneNumberName',
  'createdAt',
  'status',
] as const;

/** Set by the media archiver beside the original URL: the S3 key of the copy, or why there is none. */
export interface ArchivedCopy {
  archiveKey?: string;
  archiveSkipped?: string;
  /** For a person: why, e.g. `the media URL was refused: host … is not on the media host allow-list`. */
  archiveSkippedReason?: string;
}
export interface MediaItem extends ArchivedCopy {
  url: string;
  type?: string;
}
export interface Recording extends ArchivedCopy {
  url: string;
  type?: string;
  duration?: number;
}
export interface Voicemail extends ArchivedCopy {
  url: string;
  type?: string;
  duration?: number;
  transcript?: string;
}
export interface Transcript {
  dialogue: DialogueLine[];
  duration?: number;
  status?: string;
}

/** Facts about an activity: written where absent, never overwritten. */
export interface ActivityFacts {
  kind?: 'message' | 'call' | 'task';
  direction?: Direction;
  from?: string;
  to?: string[];
  /** Every number on the activity, E.164 where possible, sorted. */
  participants?: string[];
  /** The other party's numbers (not the OpenPhone number), sorted: the timeline is keyed by the first. */
  contactNumbers?: string[];
  conversationId?: string;
  userId?: string;
  phoneNumberId?: string;
  createdAt?: string;
  text?: string;
  media?: MediaItem[];
  answeredAt?: string;
  completedAt?: string;
  durationSeconds?: number;
  answeredBy?: string;
  initiatedBy?: string;
  forwardedFrom?: string;
  forwardedTo?: string;
  /** Quo's contact ids for the other party, when its lookup matched (new webhooks only). */
  openPhoneContactIds?: string[];
}

/** The caller's latest IVR choice on a call (`call.menu.selected`). */
export interface MenuSelection {
  choice?: string;
  label?: string;
  destination?: string;
}

/** A task as the latest event that carried it said (title, description, due date, assignee). */
export interface TaskDetails {
  title?: string;
  description?: string;
  dueDate?: string;
  assignedTo?: string;
  assignedBy?: string;
  createdBy?: string;
  revision?: string;
}

/**
 * The latest change a task event reported, with what it carried; `needsFetch` when it carried only
 * the task id (most `task.*` events do): the task must be read from OpenPhone to know the rest.
 */
export interface TaskChange {
  type: string;
  needsFetch: boolean;
  actorUserId?: string;
  assignedTo?: string;
  dueDate?: string;
  conversationId?: string;
}

export interface ActivityAspects {
  status?: string;
  recordings?: Recording[];
  voicemail?: Voicemail;
  summary?: { summary: string[]; nextSteps: string[]; status?: string };
  transcript?: Transcript;
  menuSelection?: MenuSelection;
  taskDetails?: TaskDetails;
  taskChange?: TaskChange;
}
export type AspectName = keyof ActivityAspects;
export const aspectNames = [
  'status',
  'recordings',
  'voicemail',
  'summary',
  'transcript',
  'menuSelection',
  'taskDetails',
  'taskChange',
] as const;

/** Why a message was not delivered, as the delivery webhook said it (code and/or text). */
export interface DeliveryError {
  code?: string;
  message?: string;
  /** `message.undelivered` (terminal) or `message.failed` (retryable: Quo can send it again). */
  terminal?: boolean;
}

/** What one event or imported object says about one activity. */
export interface ActivityUpdate {
  activityId: string;
  source: ActivitySource;
  facts: ActivityFacts;
  aspects: ActivityAspects;
  /** A failed delivery's error: a signal for bounce tracking, stored with the status as `lastDeliveryError`. */
  deliveryError?: DeliveryError;
}

/** An update and the time it speaks for: the event's time, or the REST object's last update. */
export interface ActivityChange {
  update: ActivityUpdate;
  eventTime: string;
}

/**
 * Why an event or object makes no activity change; each `missing-…` names what was missing, so an
 * event whose content cannot be read ends failed (and can be re-driven) instead of processed empty.
 */
export type ActivityMappingFailure =
  | 'missing-object-id'
  | 'missing-call-id'
  | 'missing-event-time'
  | 'missing-text-and-media'
  | 'missing-recording-url'
  | 'missing-summary'
  | 'missing-transcript-lines'
  /** A message or call whose other party's number is not given: it would be on no timeline. */
  | 'missing-counterpart'
  /** A `call.menu.selected` that says neither the option nor its label. */
  | 'missing-menu-choice'
  | 'not-an-activity';
export type ActivityMapping =
  { ok: true; change: ActivityChange } | { ok: false; reason: ActivityMappingFailure };

// ---- status ordering ------------------------------------------------------------------------

const messageStatusRanks: Record<string, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  received: 2,
};
const callStatusRanks: Record<string, number> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  'in-progress': 2,
  answered: 2,
  completed: 3,
  busy: 3,
  failed: 3,
  'no-answer': 3,
  canceled: 3,
  missed: 3,
  forwarded: 3,
  abandoned: 3,
  // The new webhooks' call.completed statuses.
  unanswered: 3,
  'ai-handled': 3,
};
/** A task moves back and forth (completed, reopened) by time; only a deletion is final. */
const taskStatusRanks: Record<string, number> = { open: 0, overdue: 0, completed: 0, deleted: 1 };
const terminalRank = { message: 2, call: 3, task: 1 } as const;

/**
 * How far along a status is: a lower rank never replaces a higher one, whatever the times say
 * (`queued` < `sent` < `delivered`/`undelivered`/`failed`). Unknown statuses rank lowest.
 */
export function statusRank(kind: ActivityKind | undefined, status: string): number {
  const ranks = kind === 'message' ? messageStatusRanks : kind === 'task' ? taskStatusRanks : callStatusRanks;
  return ranks[status] ?? 0;
}

export function isTerminalStatus(kind: ActivityKind, status: string): boolean {
  return statusRank(kind, status) >= terminalRank[kind === 'message' || kind === 'task' ? kind : 'call'];
}

/** The stored version of an aspect, as far as ordering goes. */
export interface AspectVersion {
  at: string;
  rank?: number;
  status?: string;
}

/**
 * Whether an incoming aspect replaces the stored one: a higher status rank wins; then the later
 * time; then (status only, equal time) the greater status name, so ties resolve the same in any
 * order. The repository's condition expression says the same.
 */
export function isNewerAspect(incoming: AspectVersion, stored: AspectVersion | undefined): boolean {
  if (!stored) return true;
  const incomingRank = incoming.rank ?? 0;
  const storedRank = stored.rank ?? 0;
  if (incomingRank !== storedRank) return incomingRank > storedRank;
  if (incoming.at !== stored.at) return incoming.at > stored.at;
  return incoming.status !== undefined && stored.status !== undefined && incoming.status > stored.status;
}

/** Which aspects of an update are newer than the stored activity (a plain item). */
export function newerAspects(
  update: ActivityUpdate,
  eventTime: string,
  stored: Record<string, unknown> | undefined,
): AspectName[] {
  const kind = update.facts.kind ?? (stored?.kind as ActivityKind | undefined);
  return aspectNamesOf(update).filter((aspect) => {
    const storedAt = stored?.[`${aspect}At`];
    const storedVersion =
      typeof storedAt === 'string'
        ? {
            at: storedAt,
            ...(aspect === 'status'
              ? { rank: Number(stored?.statusRank ?? 0), status: String(stored?.status ?? '') }
              : {}),
          }
        : undefined;
    const incoming =
      aspect === 'status'
        ? { at: eventTime, rank: statusRank(kind, update.aspects.status!), status: update.aspects.status! }
        : { at: eventTime };
    return isNewerAspect(incoming, storedVersion);
  });
}

export function aspectNamesOf(update: ActivityUpdate): AspectName[] {
  return aspectNames.filter((aspect) => update.aspects[aspect] !== undefined);
}

// ---- the stored record ---------------------------------------------------------------------------

/** An activity as the CRM holds it. */
export interface ActivityRecord extends Omit<ActivityFacts, 'kind'> {
  activityId: string;
  /** The user's name from the workspace directory, beside `userId` (absent when unknown). */
  userName?: string;
  /** The workspace number's name ("Main line"), beside `phoneNumberId` (absent when it has none). */
  phoneNumberName?: string;
  kind?: ActivityKind;
  status?: string;
  statusAt?: string;
  recordings?: Recording[];
  recordingsAt?: string;
  voicemail?: Voicemail;
  voicemailAt?: string;
  summary?: string[];
  nextSteps?: string[];
  summaryStatus?: string;
  summaryAt?: string;
  transcript?: Transcript;
  transcriptAt?: string;
  /** The last failed delivery's error (a message's later `delivered` leaves it as history). */
  lastDeliveryError?: DeliveryError;
  menuSelection?: MenuSelection;
  menuSelectionAt?: string;
  taskDetails?: TaskDetails;
  taskDetailsAt?: string;
  taskChange?: TaskChange;
  taskChangeAt?: string;
  sources?: ActivitySource[];
  /** OpenPhone deleted the activity's conversation at this time (a sync saw `deletedAt`). */
  conversationDeletedAt?: string;
}

/** The stored attributes each aspect writes (the `<aspect>At` time is added by the repository). */
export function aspectAttributes(
  aspect: AspectName,
  update: ActivityUpdate,
  kind: ActivityKind | undefined,
): Record<string, unknown> {
  const { aspects } = update;
  switch (aspect) {
    case 'status':
      return {
        status: aspects.status,
        statusRank: statusRank(kind, aspects.status!),
        ...(update.deliveryError ? { lastDeliveryError: update.deliveryError } : {}),
      };
    case 'recordings':
      return { recordings: aspects.recordings };
    case 'voicemail':
      // A call that went to voicemail is a voicemail activity.
      return { voicemail: aspects.voicemail, kind: 'voicemail' };
    case 'summary':
      return defined({
        summary: aspects.summary!.summary,
        nextSteps: aspects.summary!.nextSteps,
        summaryStatus: aspects.summary!.status,
      });
    case 'transcript':
      return { transcript: aspects.transcript };
    case 'menuSelection':
      return { menuSelection: aspects.menuSelection };
    case 'taskDetails':
      return { taskDetails: aspects.taskDetails };
    case 'taskChange':
      return { taskChange: aspects.taskChange };
  }
}

/** Drops undefined values so facts compare and store cleanly. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
