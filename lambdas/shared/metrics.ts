/**
 * Every custom metric the Lambdas emit (Powertools EMF), named once: the handlers emit them, the
 * CDK monitoring construct draws and alarms on them. All are in one namespace, with Powertools'
 * `service` dimension (POWERTOOLS_SERVICE_NAME) and the extra dimensions noted per group.
 */
export const bridgeMetrics = {
  namespace: 'OpenPhoneBridge',
  /** The `service` dimension every metric carries. */
  service: 'openphone-bridge',
  /** Ingest: one per webhook delivery, by outcome. */
  ingest: {
    accepted: 'WebhooksAccepted',
    duplicate: 'WebhooksDuplicate',
    ignored: 'WebhooksIgnored',
    /** Signed deliveries with an empty event id (OpenPhone's sample/test deliveries): answered 200, no alarm. */
    test: 'WebhookTestDeliveries',
    /** With a `reason` dimension (invalid_signature, payload_too_large, …). */
    rejected: 'WebhooksRejected',
    /** Every 401 (a signature missing, malformed, stale or wrong), without the reason: the alarm's metric. */
    unauthorized: 'WebhooksUnauthorized',
    /** Recorded, but SQS refused the hand-on to the family queue: the sweeper hands it on later. */
    notHandedOn: 'EventsNotHandedOn',
  },
  /** Processors: one per event, without a family dimension (the family is in the log line). */
  processing: {
    processed: 'EventsProcessed',
    duplicate: 'DuplicateDeliveries',
    /** Invalid payloads, recorded as failed and not retried. */
    rejected: 'EventsRejected',
    /** Transient failures SQS retries (then dead-letters). */
    retried: 'EventsRetried',
  },
  /** The sweeper (and the ingest, for a redelivered stuck event): events still `received` past the stuck age. */
  sweep: {
    /** A stuck event handed to its family queue again. */
    redispatched: 'EventsRedispatched',
    /** A stuck event failed as `undeliverable` after its last re-dispatch. */
    undeliverable: 'EventsUndeliverable',
  },
  /** The OpenPhone client and the shared rate limiter, summed over lanes: they share one budget. */
  openPhone: {
    /** Every request attempt, retries included. */
    apiCalls: 'OpenPhoneApiCalls',
    /** Answers 429 Too Many Requests. */
    throttled: 'OpenPhoneThrottled',
    /** Milliseconds spent waiting for a token of the shared budget (not the write that takes it), per request that waited 1 ms or more. */
    tokenWaitMs: 'RateLimitTokenWaitMs',
  },
  /** The history import: records written and records skipped with an error, each only in an invocation with some. */
  import: {
    recordsImported: 'ImportRecordsImported',
    recordErrors: 'ImportRecordErrors',
  },
  /** The campaign sender. */
  campaigns: {
    messagesSent: 'CampaignMessagesSent',
    sendOutcomeUnknown: 'CampaignSendOutcomeUnknown',
    recipientsReconciled: 'CampaignRecipientsReconciled',
    /** A campaign paused itself because of an error (402 no credits, repeated 401, the sending number refused). */
    pausedByError: 'CampaignPausedByError',
    /** A pass over one campaign ended in an error (the run went on with the other campaigns). */
    campaignRunsFailed: 'CampaignRunsFailed',
    /** A recipient whose send could not be reconciled, time after time: parked for an operator. */
    recipientsParked: 'CampaignRecipientsParked',
  },
  /**
   * What waits for an operator. `DeadLettersWaiting`: the sweeper's count of what waits in every
   * dead-letter queue, at each run while anything does (its alarm stays up until they are replayed).
   * `NeedsAttention`: counted beside its own metric by the import (record errors) and the campaign
   * sender (a paused campaign, a failed pass, an unknown outcome, a parked recipient). One alarm
   * each (an alarm is billed per metric it reads): a dead letter left waiting cannot mask a campaign
   * that paused itself.
   */
  attention: {
    deadLettersWaiting: 'DeadLettersWaiting',
    needsAttention: 'NeedsAttention',
  },
  /** The reply-due timer (once a minute): the follow-up queue's state. */
  followUp: {
    /** Business minutes the longest-waiting conversation has waited, only while one waits (no data is none waiting): the alarm's metric. */
    oldestWaitingBusinessMinutes: 'OldestWaitingBusinessMinutes',
    /** Spells the timer marked overdue in the run (each one `conversation.waiting`), only in a run that marked one. */
    markedOverdue: 'ConversationsMarkedOverdue',
    /** The CRM events publisher, per `conversation.answered` put on the bus: its first-response time in business minutes (its SampleCount counts the answers). */
    responseBusinessMinutes: 'ResponseBusinessMinutes',
    /** The answers within the line's reply target (1) or not (0). */
    answeredWithinTarget: 'ConversationsAnsweredWithinTarget',
    /** The CRM events publisher, per `call.missed` put on the bus. */
    callsMissed: 'CallsMissed',
  },
} as const;
