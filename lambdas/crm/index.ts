// The crm capability's public surface: what other capabilities, lib/ and cli/ may use.
import { join } from 'node:path';
export { ActivityRepository } from './adapters/activity-repository';
export { ContactRepository } from './adapters/contact-repository';
export { DeliveryHealthRepository } from './adapters/delivery-health-repository';
export { SqsMediaArchiveQueue } from './adapters/media-archive-queue';
export type { MediaArchiveQueue } from './adapters/media-archive-queue';
export { SuppressionRepository } from './adapters/suppression-repository';
export { contactChangeFromWebhook, contactRecordOf } from './domain/contact-records';
export type { ContactChange, ContactRecord } from './domain/contact-records';
export {
  activityIndexAttributes,
  activityListAttributes,
  crmTableKeys,
  numberPartition,
  numberPartitions,
  suppressionListAttributes,
  waitingIndexAttributes,
} from './domain/crm-keys';
export {
  activityChangeFromApiCall,
  activityChangeFromApiMessage,
  activityChangeFromWebhook,
} from './domain/activity-mapping';
export { consentChangeOf, deliveryOutcomesOf } from './domain/activity-signals';
export { activityHeadingFields, aspectNames } from './domain/activity';
export type { ActivityChange, ActivityRecord } from './domain/activity';
export type { ConsentChange, ConsentSignal, DeliveryOutcome } from './domain/activity-signals';
export { classifyReply, normaliseReply } from './domain/consent';
export type { ConsentClass, ConsentRuleOptions } from './domain/consent';
export { defaultYesWindowHours, suppressionReasons } from './domain/suppression';
export type { SuppressionReason } from './domain/suppression';
export { defaultMaxArchiveBytes, mediaArchiveJobsOf } from './domain/media-archive';
export { defaultMediaHosts, mediaHostEntryProblem, type MediaUrlPolicy } from './domain/media-url-policy';
export { InvalidCursorError } from './errors';

/** The media archiver's entry file, for the CDK construct to bundle. */
export const archiveMediaEntry = join(__dirname, 'archive-media', 'handler.ts');
export { SuppressionListRepository } from './adapters/suppression-list-repository';
export type {
  AnnotatedAuditEntry,
  ListedSuppression,
  SuppressionRecord,
} from './adapters/suppression-list-repository';
export {
  apiReference,
  changedByOf,
  changeSourceOf,
  checkOperatorRemoval,
  doNotContactEntriesOf,
  inListedOrder,
  planSuppressionLift,
  suppressionChangeSources,
  isListedSuppressionReason,
  listedSuppressionReasons,
  maskedExcerpt,
  reviewReason,
  reviewResolutions,
} from './domain/suppression-list';
export type { ReviewResolution, SuppressionChangeSource, SuppressionLift } from './domain/suppression-list';
export { ConsentReplySender } from './adapters/consent-reply-sender';
export type { ConsentReplyOutcome, ConsentReplyRequest } from './adapters/consent-reply-sender';
export {
  consentReplyKindOf,
  consentReplySettings,
  defaultConsentReplySettings,
} from './domain/consent-replies';
export type { ConsentReplySettings } from './domain/consent-replies';
export { DirectoryRepository } from './adapters/directory-repository';
export type { DirectoryRepositoryOptions } from './adapters/directory-repository';
export { ErasureRepository } from './adapters/erasure-repository';
export type { ErasureRepositoryOptions } from './adapters/erasure-repository';
export { HeldSecondSweeps } from './adapters/held-second-sweeps';
export type { HeldSecondSweepsOptions } from './adapters/held-second-sweeps';
export type { ActivityRepositoryOptions, ActivityUpsertResult } from './adapters/activity-repository';
export { directoryOf } from './domain/directory';
export type {
  Directory,
  DirectoryPhoneNumber,
  DirectoryUser,
  WorkspacePhoneNumber,
} from './domain/directory';
export { completeErasureCounts, erasureStores, expiringCopiesAfterErase } from './domain/erasure';
export type {
  ErasedRecords,
  ErasureAuditEntry,
  ErasureCounts,
  ErasureResult,
  ErasureStore,
  ExpiringCopies,
  OtherErasureStore,
  PersonalDataEraser,
  SecondSweep,
  SecondSweepScheduler,
} from './domain/erasure';
export { ConversationRepository } from './adapters/conversation-repository';
export type {
  ConversationRepositoryOptions,
  ConversationWriteOutcome,
  WaitingQuery,
} from './adapters/conversation-repository';
export { conversationRecord, openPhoneStateOf } from './domain/conversation-record';
export { activityChangeOfCreatedTask } from './domain/task-mapping';
export type { CreatedTask } from './domain/task-mapping';
export type { ConversationRecord, OpenPhoneState } from './domain/conversation-record';
export { replyNeedOf } from './domain/reply-needed';
export type { ReplyNeed } from './domain/reply-needed';
export {
  businessHours,
  businessHoursOf,
  businessMinutesBetween,
  defaultFollowUpSettings,
  followUpSettings,
  replyDueAt,
} from './domain/business-hours';
export type { BusinessHours, FollowUpSettings } from './domain/business-hours';
export { ReplyDueRepository } from './adapters/reply-due-repository';
export type { OldestWaiting, OverdueOutcome } from './adapters/reply-due-repository';
export { createReplyDueTimer } from './reply-due/service';
export type { ReplyDueReport, ReplyDueTimer, ReplyDueTimerDeps } from './reply-due/service';
export { callOutcomeOf, conversationKeyOf } from './domain/conversation';
export { replyDuePartition } from './domain/reply-due';
export type { SpellState } from './domain/reply-due';

/** The reply-due timer's entry file, for the CDK construct to bundle. */
export const replyDueEntry = join(__dirname, 'reply-due', 'handler.ts');
export {
  activityWindowOf,
  nearestRankPercentile,
  responseGroupings,
  responseHistoryOf,
  responseTimeReportOf,
} from './domain/response-times';
export type {
  ResponseGrouping,
  ResponseTimeReport,
  ResponseTimeRequest,
  ResponseTimeRow,
  ResponseTimeTotals,
  UnreturnedMissedCall,
} from './domain/response-times';
