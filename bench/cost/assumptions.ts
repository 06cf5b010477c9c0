/**
 * What the template does not say, stated. Durations are billed wall time (DynamoDB and OpenPhone
 * round trips dominate; the ingest's own CPU time is well under a millisecond).
 */
export const defaultAssumptions = {
  webhooksPerMonth: 1_000_000,
  /** A message or call event; a long transcript is larger. */
  webhookPayloadKb: 2,
  /** The event record's own attributes beside the payload. */
  eventRecordOverheadKb: 0.5,
  crmItemKb: 1,
  campaignItemKb: 0.5,
  durationMs: {
    ingest: 25,
    dispatchPerEvent: 20,
    processorPerEvent: 60,
    /** One campaign message: the OpenPhone POST dominates. */
    campaignSend: 300,
    /** A campaign sender run with nothing to send. */
    senderIdleRun: 150,
    /** A sweeper run that finds nothing stuck: one query of the status index. */
    sweepRun: 100,
    /** A reply-due timer run that finds nothing due (decision 0008). */
    replyDueRun: 100,
    /** Any other scheduled function's run. */
    otherScheduledRun: 200,
    /** The import Lambda's invocation in a sync that finds nothing new: a list request per resource. */
    importSyncRun: 3000,
  },
  /** Lambda's START/END/REPORT lines (and the X-Ray line) per invocation. */
  platformLogKbPerInvocation: 0.45,
  /** One Powertools JSON line, or one API access log line. */
  logLineKb: 0.35,
  /** Powertools lines at INFO: ingest "webhook accepted", processor "activity written". */
  logLinesPerWebhook: { ingest: 1, dispatch: 0, processor: 1 },
  /** Per sent message: claim, daily-cap slot, touch, sent (campaign table); a token (rate-limit table). */
  campaignWritesPerMessage: { campaign: 4, rateLimit: 1 },
  /** Per sent message: the suppression list (before the cap slot and again just before the send) and the daily-cap count. */
  campaignReadsPerMessage: 3,
  /** The delivery status webhook each sent message brings back through the pipeline. */
  deliveryWebhooksPerMessage: 1,
  /** Lambda keeps this many long-polling receivers on each SQS event source (20 s waits). */
  sqsPollersPerQueue: 5,
  /** Warm execution environments reading a secret, each every 5 minutes (the cache's life). */
  environmentsPerSecretReader: 1,
  /**
   * Functions (by logical id) that read their secret once, when their execution environment starts,
   * and again only after a 401: the campaign sender and the import keep the API key they set up
   * with. The others (the ingest's signing keys, the CRM API) re-read after the 5-minute cache.
   */
  secretReadAtStart: /Sender|Import/,
  /** Lambda replaces an execution environment kept warm by steady invocations after a few hours. */
  environmentLifetimeHours: 2,
  /** An environment left this long without an invocation is gone: the next one starts afresh. */
  environmentIdleMinutes: 5,
  /** Retention assumed for a log group that never expires. */
  unlimitedRetentionDays: 365,
  /**
   * A sync that finds nothing new, where none was measured: as bench/cost/idle-sync.ts measured it on
   * 2026-12-07 (the import Lambda once, then the workflow's Choice and Succeed; its run and checkpoint writes).
   */
  idleSync: { importInvocations: 1, transitions: 3, writeUnits: 19, readUnits: 9 },
  /**
   * The follow-up's reply-due timer (decision 0008), priced as a schedule of its own when the
   * template has no function named `ReplyDue…` yet: once a minute, 128 MB, an empty due-index query.
   */
  replyDueTimer: { runsPerMonth: 43_200, memoryMb: 128, readUnitsPerRun: 0.5 },
};
export type Assumptions = typeof defaultAssumptions;

/**
 * The OpenPhone objects of an office's month, per 4 conversations, and the webhooks each brings
 * (docs/openphone.md). Source: the office shape of the import bench (docs/benchmarks.md — 3 messages
 * per conversation, a call in every 4th), with half the messages outgoing and 70 % of calls answered
 * (the bench workspace's share, each then recorded, summarized and transcribed); a contact update
 * per 4 conversations and a task per 8 are assumed.
 */
export const officeObjects: ReadonlyArray<{ object: string; count: number; webhooks: readonly string[] }> = [
  { object: 'incoming message', count: 6, webhooks: ['message.received'] },
  { object: 'outgoing message', count: 6, webhooks: ['message.sent', 'message.delivered'] },
  {
    object: 'answered call',
    count: 0.7,
    webhooks: [
      'call.ringing',
      'call.completed',
      'call.recording.completed',
      'call.summary.completed',
      'call.transcript.completed',
    ],
  },
  { object: 'missed call', count: 0.3, webhooks: ['call.ringing', 'call.completed'] },
  { object: 'contact update', count: 1, webhooks: ['contact.updated'] },
  { object: 'task', count: 0.5, webhooks: ['task.created', 'task.completed'] },
];

/** A typical office's month: a few to fifty people (issue 29). */
export const officeAssumptions = {
  webhooks: 100_000,
  campaignMessages: 10_000,
  /** Campaign recipients who text back (each a `message.received` through the pipeline). */
  campaignReplyRate: 0.05,
  /** Waiting spells the reply-due timer marks overdue (each: a conditional update and the due index entry removed). */
  overdueSpells: 1_000,
  writeUnitsPerOverdueSpell: 2,
  /** Activities are kept by default: their storage is priced as it stands a year in. */
  crmMonthsStored: 12,
  /** Hours of the month webhooks arrive in (and the series they move are published): 10 a day. */
  trafficHoursPerMonth: 300,
  /** Hours someone waits for an answer: an office's evening texts wait overnight, so all of them. */
  waitingHoursPerMonth: 720,
  /** Hours campaigns send in: a few campaigns of some thousand messages, each within an hour or so. */
  campaignSendingHours: 3,
};
export type OfficeAssumptions = typeof officeAssumptions;

/** Event type → its share of the office's webhooks (the shares sum to 1). */
export function officeWebhookMix(objects = officeObjects): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { count, webhooks } of objects)
    for (const type of webhooks) counts[type] = (counts[type] ?? 0) + count;
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(counts).map(([type, n]) => [type, n / all]));
}

/** CRM items (activities, contacts, tasks) per webhook of the mix: several webhooks move one object. */
export function crmItemsPerWebhook(objects = officeObjects): number {
  const items = objects.reduce((sum, o) => sum + o.count, 0);
  const webhooks = objects.reduce((sum, o) => sum + o.count * o.webhooks.length, 0);
  return items / webhooks;
}
