import type { ActivityRecord } from './activity';
import { businessHoursOf, businessMillisBetween, type FollowUpSettings } from './business-hours';
import type { ConsentRuleOptions } from './consent';
import { conversationKeyOf, conversationSignalOf, type ConversationSignal } from './conversation';
import { formatLocalDate, localDateTimeIn } from '../../shared/zoned-time';

/**
 * Response times: how fast the office answers, derived from the activities alone.
 *
 * A waiting spell starts with an activity that needs an answer (the conversation rule:
 * `conversationSignalOf` — an inbound text that needs one, a missed call, a voicemail) when the
 * conversation was not already waiting, and ends with its first answer (an outbound message, an
 * answered call). An opt-out, an auto-reply or "ok, thanks 👍" starts none. Its response time is
 * the business time between the two in its line's hours. A spell counts on the local day it
 * started, for its line (`by: number`) or for the user who answered it (`by: user`; a spell never
 * answered, or answered by no known user, counts as `unassigned`).
 *
 * A missed call (or voicemail) is returned when an outbound call or message to the same
 * conversation follows it. Percentiles are nearest-rank: the smallest time that at least p % of
 * the answered spells took no longer than.
 */

export const responseGroupings = ['number', 'user'] as const;
export type ResponseGrouping = (typeof responseGroupings)[number];

/** The key of spells and missed calls with no line, or no user who answered them. */
export const unassignedKey = 'unassigned';

export interface ResponseSpell {
  conversationKey: string;
  /** Our line: its `PN…` id, else its number, else `unassigned`. */
  line: string;
  startedAt: string;
  /** The local day (`YYYY-MM-DD`) the spell started, in its line's time zone. */
  day: string;
  answeredAt?: string;
  /** The user whose message or call answered it. */
  answeredBy?: string;
  /** Business minutes to the first answer, to a tenth. */
  businessMinutes?: number;
  targetMinutes: number;
  withinTarget: boolean;
}

export interface MissedCallOutcome {
  conversationKey: string;
  phoneNumberId?: string;
  contactNumber: string;
  line: string;
  at: string;
  day: string;
  voicemail: boolean;
  returned: boolean;
  /** The user whose outbound call or message returned it. */
  returnedBy?: string;
}

export interface ResponseHistory {
  spells: ResponseSpell[];
  missedCalls: MissedCallOutcome[];
}

/** The activity as its conversation reads it (the same rule the conversation records apply). */
function signalOfRecord(
  record: ActivityRecord,
  consentRule: ConsentRuleOptions,
): ConversationSignal | undefined {
  if (!record.kind || record.kind === 'task') return undefined;
  return conversationSignalOf(
    {
      activityId: record.activityId,
      source: 'import',
      facts: { ...record, kind: record.kind === 'voicemail' ? 'call' : record.kind },
      aspects: {
        ...(record.status ? { status: record.status } : {}),
        ...(record.voicemail ? { voicemail: record.voicemail } : {}),
      },
    },
    consentRule,
  );
}

const byTime = (a: ActivityRecord, b: ActivityRecord) => {
  const x = `${a.createdAt ?? ''}#${a.activityId}`;
  const y = `${b.createdAt ?? ''}#${b.activityId}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

interface ConversationWalk {
  open?: ResponseSpell;
  /** Missed calls of this conversation not yet returned. */
  unreturned: MissedCallOutcome[];
}

/**
 * Every waiting spell and missed call the activities show, in any order given (they are sorted by
 * time, then id). A conversation already waiting when the activities begin is taken as not
 * waiting: read from a little before the period asked about (the report reads a week before).
 */
export function responseHistoryOf(
  records: readonly ActivityRecord[],
  settings: FollowUpSettings,
  consentRule: ConsentRuleOptions = {},
): ResponseHistory {
  const walks = new Map<string, ConversationWalk>();
  const history: ResponseHistory = { spells: [], missedCalls: [] };
  for (const record of [...records].sort(byTime)) {
    const signal = signalOfRecord(record, consentRule);
    if (!signal) continue;
    const { parties } = signal;
    const key = conversationKeyOf(parties);
    const walk = walks.get(key) ?? { unreturned: [] };
    walks.set(key, walk);
    const hours = businessHoursOf(settings, parties.phoneNumberId, parties.ourNumber);
    const at = signal.mark.at;
    const day = formatLocalDate(localDateTimeIn(new Date(at), hours.timeZone));
    const line = parties.phoneNumberId ?? parties.ourNumber ?? unassignedKey;
    const user = record.answeredBy ?? record.userId;
    if (signal.kind === 'awaiting') {
      if (!walk.open) {
        walk.open = {
          conversationKey: key,
          line,
          startedAt: at,
          day,
          targetMinutes: hours.replyTargetMinutes,
          withinTarget: false,
        };
        history.spells.push(walk.open);
      }
      if (signal.mark.kind !== 'message') {
        const missed: MissedCallOutcome = {
          conversationKey: key,
          ...(parties.phoneNumberId ? { phoneNumberId: parties.phoneNumberId } : {}),
          contactNumber: parties.contactNumber,
          line,
          at,
          day,
          voicemail: signal.mark.kind === 'voicemail',
          returned: false,
        };
        walk.unreturned.push(missed);
        history.missedCalls.push(missed);
      }
      continue;
    }
    if (signal.kind === 'answer' && walk.open) {
      const millis = businessMillisBetween(new Date(walk.open.startedAt), new Date(at), hours);
      Object.assign(walk.open, {
        answeredAt: at,
        ...(user ? { answeredBy: user } : {}),
        businessMinutes: Math.round(millis / 6_000) / 10,
        withinTarget: millis <= walk.open.targetMinutes * 60_000,
      });
      walk.open = undefined;
    }
    if (signal.direction === 'outgoing') {
      for (const missed of walk.unreturned) {
        missed.returned = true;
        if (user) missed.returnedBy = user;
      }
      walk.unreturned = [];
    }
  }
  return history;
}

/** The nearest-rank percentile of some values (`p` in 0–100), or null when there are none. */
export function nearestRankPercentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface ResponseTimeTotals {
  spells: number;
  answered: number;
  p50Minutes: number | null;
  p90Minutes: number | null;
  withinTarget: number;
  targetMinutes: number;
  missedCalls: number;
  missedCallsReturned: number;
  missedCallsNotReturned: number;
}

export interface ResponseTimeRow extends ResponseTimeTotals {
  day: string;
  key: string;
}

export interface UnreturnedMissedCall {
  /** The conversation record's id (`CN…`, or `PN…~+E.164`). */
  conversationId: string;
  phoneNumberId?: string;
  contactNumber: string;
  at: string;
  voicemail: boolean;
  returned: boolean;
}

export interface ResponseTimeReport {
  from: string;
  to: string;
  by: ResponseGrouping;
  rows: ResponseTimeRow[];
  totals: ResponseTimeTotals;
  unreturnedMissedCalls: UnreturnedMissedCall[];
}

export interface ResponseTimeRequest {
  /** First local day, `YYYY-MM-DD`. */
  from: string;
  /** Last local day, inclusive. */
  to: string;
  by: ResponseGrouping;
}

/** Days read before `from`, so a conversation already waiting then starts no new spell in the period. */
const lookbackDays = 7;
/** Days after `to` within which an answer or a call-back still counts. */
const answerHorizonDays = 7;
const dayMs = 86_400_000;

/**
 * The instants whose activities a report of `from`..`to` reads: a week before and after (capped
 * at now), and a day more either side, for local days run from UTC−12 to UTC+14.
 */
export function activityWindowOf(request: ResponseTimeRequest, now: Date): { start: Date; end: Date } {
  const from = Date.parse(`${request.from}T00:00:00Z`);
  const afterTo = Date.parse(`${request.to}T00:00:00Z`) + dayMs;
  return {
    start: new Date(from - (lookbackDays + 1) * dayMs),
    end: new Date(Math.min(now.getTime(), afterTo + (answerHorizonDays + 1) * dayMs)),
  };
}

/** Unreturned missed calls a report lists at most, newest first. */
const unreturnedListLimit = 100;

function totalsOf(
  spells: readonly ResponseSpell[],
  missed: readonly MissedCallOutcome[],
  defaultTarget: number,
): ResponseTimeTotals {
  const minutes = spells.flatMap((s) => (s.businessMinutes === undefined ? [] : [s.businessMinutes]));
  const targets = new Set(spells.map((s) => s.targetMinutes));
  const returned = missed.filter((m) => m.returned).length;
  return {
    spells: spells.length,
    answered: minutes.length,
    p50Minutes: nearestRankPercentile(minutes, 50),
    p90Minutes: nearestRankPercentile(minutes, 90),
    withinTarget: spells.filter((s) => s.withinTarget).length,
    // Lines with different targets in one row: the stage default stands for them.
    targetMinutes: targets.size === 1 ? [...targets][0]! : defaultTarget,
    missedCalls: missed.length,
    missedCallsReturned: returned,
    missedCallsNotReturned: missed.length - returned,
  };
}

/**
 * The report of the spells that started, and the missed calls that happened, on the local days
 * `from`..`to`: a row per day and line (or user), oldest day first, and the totals.
 */
export function responseTimeReportOf(
  history: ResponseHistory,
  request: ResponseTimeRequest,
  settings: FollowUpSettings,
): ResponseTimeReport {
  const inRange = (day: string) => day >= request.from && day <= request.to;
  const spells = history.spells.filter((s) => inRange(s.day));
  const missed = history.missedCalls.filter((m) => inRange(m.day));
  const spellKey = (s: ResponseSpell) =>
    request.by === 'number' ? s.line : s.answeredAt ? (s.answeredBy ?? unassignedKey) : unassignedKey;
  const missedKey = (m: MissedCallOutcome) =>
    request.by === 'number' ? m.line : (m.returnedBy ?? unassignedKey);
  const groups = new Map<string, { spells: ResponseSpell[]; missed: MissedCallOutcome[] }>();
  const groupOf = (day: string, key: string) => {
    const id = `${day}\u0000${key}`;
    const group = groups.get(id) ?? { spells: [], missed: [] };
    groups.set(id, group);
    return group;
  };
  for (const s of spells) groupOf(s.day, spellKey(s)).spells.push(s);
  for (const m of missed) groupOf(m.day, missedKey(m)).missed.push(m);
  const defaultTarget = settings.default.replyTargetMinutes;
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, group]) => {
      const [day, key] = id.split('\u0000') as [string, string];
      return { day, key, ...totalsOf(group.spells, group.missed, defaultTarget) };
    });
  const unreturnedMissedCalls = missed
    .filter((m) => !m.returned)
    .sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : 0))
    .slice(0, unreturnedListLimit)
    .map((m) => ({
      conversationId: m.conversationKey,
      ...(m.phoneNumberId ? { phoneNumberId: m.phoneNumberId } : {}),
      contactNumber: m.contactNumber,
      at: m.at,
      voicemail: m.voicemail,
      returned: false,
    }));
  return {
    ...request,
    rows,
    totals: totalsOf(spells, missed, defaultTarget),
    unreturnedMissedCalls,
  };
}
