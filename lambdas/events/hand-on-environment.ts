// The variables of whoever hands events on to their family queues (the ingest, the sweeper): only
// the small zod build and the events' own domain, so that the ingest bundle stays small (the
// processors' environment, in environment.ts, reads the CRM's and the campaigns' settings).
import { environmentNames, wholeNumberVariable } from '../shared/environment';
import * as z from '../shared/zod-mini';
import { defaultSweepPolicy } from './domain/event-sweep';
import { eventFamilies, type EventFamily } from './domain/event-types';

/** The variable holding one family queue's URL (the ingest and the sweeper send to each). */
export function queueUrlVariable(family: EventFamily): string {
  return `QUEUE_URL_${family.toUpperCase().replace(/-/g, '_')}`;
}

/** Every family queue's URL: where the ingest and the sweeper hand events on. */
export const familyQueueUrlsShape = Object.fromEntries(
  eventFamilies.map((f) => [queueUrlVariable(f), z.string().check(z.minLength(1))]),
) as Record<string, z.ZodMiniString>;

/** The events table and every family queue: what the sweeper hands events on with. */
export const handOnEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().check(z.minLength(3)),
  ...familyQueueUrlsShape,
} as Record<string, z.ZodMiniString>;

/**
 * The sweep policy the sweeper reads beside `handOnEnvironmentShape` (and the ingest, which
 * re-dispatches a stuck event OpenPhone delivers again).
 */
export const sweepEnvironmentShape = {
  [environmentNames.stuckEventAfterMinutes]: z._default(
    wholeNumberVariable(1),
    defaultSweepPolicy.stuckAfterMinutes,
  ),
  [environmentNames.maxEventRedispatches]: z._default(
    wholeNumberVariable(1),
    defaultSweepPolicy.maxRedispatches,
  ),
  /** The stage's activity retention: failed events' bodies are blanked after it. */
  [environmentNames.activityRetentionDays]: z.optional(wholeNumberVariable(1)),
};

const queueUrls = z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1)));

/**
 * The dead-letter queues the sweeper watches (lib/bridge-monitoring.ts sets them): a JSON object of
 * name → queue URL; none when unset. A malformed value is a clear start-up error naming it.
 */
export function watchedDeadLetterQueues(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const text = env[environmentNames.deadLetterQueues];
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = queueUrls.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `Invalid environment: ${environmentNames.deadLetterQueues}: not a JSON object of queue URLs`,
    );
  return parsed.data;
}
