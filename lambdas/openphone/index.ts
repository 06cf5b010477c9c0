// The openphone capability's public surface: what other capabilities, lib/ and cli/ may use.
export { readApiKeyParameter } from './adapters/api-key-parameter';
export { OpenPhoneClient } from './adapters/openphone-client';
export { countThrottledResponses, meteredRateLimiter } from './adapters/openphone-metrics';
export { SharedTokenBucket } from './adapters/rate-limiter';
export { findSentMessage, PhoneNumberIds, UnknownSendingNumberError } from './adapters/sent-messages';
export type { SentMessageQuery } from './adapters/sent-messages';
export { webhookEventsByFamily } from './domain/openphone-api';
export { quoApiVersion, quoWebhookEventTypes } from './domain/quo-webhooks';
export type { WorkspaceMessage, WorkspaceMessageFilters } from './domain/quo-messages';
export { inboxStates } from './domain/tasks';
export type { InboxState, NewTask, Task, TaskFilters, TaskWritten } from './domain/tasks';
export type { ConversationStateClient } from './adapters/conversation-state-client';
export type { TasksClient } from './adapters/tasks-client';
export type {
  QuoTestEvent,
  QuoWebhook,
  QuoWebhookDelivery,
  QuoWebhookEventType,
  QuoWebhookWithKey,
} from './domain/quo-webhooks';
export type { ActivityFilters, Conversation, Page, Webhook, WebhookFamily } from './domain/openphone-api';
export {
  defaultTokenBucketPolicy,
  rateLimitTableKeys,
  sustainedRequestsPerSecond,
} from './domain/token-bucket';
export {
  apiCallSchema,
  apiContactSchema,
  apiMessageSchema,
  parseWebhookBody,
} from './domain/webhook-payloads';
export type {
  ApiCall,
  ApiMessage,
  CallMenuSelectionPayload,
  TaskPayload,
  VoicemailEventPayload,
  CallPayload,
  CallSummaryPayload,
  CallTranscriptPayload,
  ContactPayload,
  DialogueLine,
  MessagePayload,
  WebhookEvent,
} from './domain/webhook-payloads';
export {
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  OpenPhoneResponseShapeError,
} from './errors';
export { isDefiniteRefusal, RateLimitWaitExceededError } from './errors';
