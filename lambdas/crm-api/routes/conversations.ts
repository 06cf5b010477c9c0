import {
  businessHoursOf,
  businessMinutesBetween,
  defaultFollowUpSettings,
  replyDueAt,
  type ConversationRecord,
  type ConversationRepository,
  type FollowUpSettings,
} from '../../crm';
import { conversationKeyPattern, waitingQuery, type Conversation } from '../domain/conversation-routes';
import { parseQuery } from '../domain/requests';
import { ApiRequestError } from '../errors';
import { configured, json, type RouteHandlers } from './types';

export interface ConversationRouteDeps {
  /** Absent (a bench, a test of other routes): the routes answer 503. */
  conversations?: Pick<ConversationRepository, 'waiting' | 'conversation'>;
  /** Business hours and reply targets (the stage's `followUp`). @default Mon–Fri 08:00–17:00 New York, 15 min */
  followUp?: FollowUpSettings;
  now?: () => Date;
}

/** A stored conversation as the API shows it, its wait measured in its line's business hours. */
export function conversationView(
  record: ConversationRecord,
  settings: FollowUpSettings,
  now: Date,
): Conversation {
  const hours = businessHoursOf(settings, record.phoneNumberId, record.ourNumber);
  const since = record.waiting && record.waitingSince ? new Date(record.waitingSince) : undefined;
  const due = since && replyDueAt(since, hours);
  return {
    id: record.conversationKey,
    ...pick(record, ['conversationId', 'phoneNumberId', 'ourNumber']),
    contactNumber: record.contactNumber,
    waiting: record.waiting,
    ...pick(record, ['waitingSince', 'waitingFor']),
    ...(since ? { waitingBusinessMinutes: businessMinutesBetween(since, now, hours) } : {}),
    replyTargetMinutes: hours.replyTargetMinutes,
    ...(due ? { replyDueAt: due.toISOString() } : {}),
    overdue: due !== undefined && due <= now,
    ...pick(record, [
      'lastInbound',
      'lastOutbound',
      'lastAnswer',
      'assignedTo',
      'snoozedUntil',
      'mutedUntil',
      'inboxStatus',
    ]),
    updatedAt: record.updatedAt,
  };
}

function pick<K extends keyof ConversationRecord>(
  record: ConversationRecord,
  keys: K[],
): Partial<Pick<ConversationRecord, K>> {
  return Object.fromEntries(
    keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]),
  ) as Partial<Pick<ConversationRecord, K>>;
}

/** The follow-up queue and one conversation's state. */
export function conversationRoutes(
  deps: ConversationRouteDeps,
): RouteHandlers<'listConversations' | 'getConversation'> {
  const settings = deps.followUp ?? defaultFollowUpSettings;
  const now = deps.now ?? (() => new Date());
  return {
    listConversations: async ({ query }) => {
      const { limit, cursor, number, assignedTo, olderThan } = parseQuery(waitingQuery, query);
      const page = await configured(deps.conversations, 'conversations').waiting({
        ...(limit ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
        ...(number ? { number } : {}),
        ...(assignedTo ? { assignedTo } : {}),
        // The index sorts by UTC ISO time: an offset is turned into it.
        ...(olderThan ? { olderThan: new Date(olderThan).toISOString() } : {}),
      });
      const at = now();
      return json(200, {
        items: page.items.map((r) => conversationView(r, settings, at)),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
    },
    getConversation: async ({ params }) => {
      const id = params.id ?? '';
      if (!conversationKeyPattern.test(id))
        throw new ApiRequestError(
          400,
          'invalid_id',
          'id must be a conversation id (CN…) or PN…~+E.164',
          'id',
        );
      const record = await configured(deps.conversations, 'conversations').conversation(id);
      if (!record) throw new ApiRequestError(404, 'not_found', `no conversation ${id}`);
      return json(200, conversationView(record, settings, now()));
    },
  };
}
