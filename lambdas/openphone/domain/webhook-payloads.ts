/**
 * Schemas of OpenPhone (Quo) webhook payloads and the REST objects the import reads: the
 * capability's surface for them. Each file under `webhooks/` does one thing: the tolerant fields,
 * one family's payloads, one envelope, the parse that joins them.
 */
export {
  describeIssues,
  parseWebhookBody,
  parseWebhookEvent,
  payloadKindByEventType,
} from './webhooks/webhook-event';
export type { ParseResult, PayloadEventType, WebhookEvent } from './webhooks/webhook-event';
export { directions, mediaItemSchema } from './webhooks/payload-fields';
export { messagePayloadSchema } from './webhooks/message-payload';
export type { MessagePayload } from './webhooks/message-payload';
export {
  callPayloadSchema,
  callSummaryPayloadSchema,
  callTranscriptPayloadSchema,
  dialogueLineSchema,
  voicemailSchema,
} from './webhooks/call-payloads';
export type {
  CallPayload,
  CallSummaryPayload,
  CallTranscriptPayload,
  DialogueLine,
} from './webhooks/call-payloads';
export {
  callMenuSelectionPayloadSchema,
  voicemailEventPayloadSchema,
} from './webhooks/call-lifecycle-payloads';
export type { CallMenuSelectionPayload, VoicemailEventPayload } from './webhooks/call-lifecycle-payloads';
export { taskPayloadSchema } from './webhooks/task-payload';
export type { TaskPayload } from './webhooks/task-payload';
export { contactPayloadSchema, customFieldSchema } from './webhooks/contact-payload';
export type { ContactPayload } from './webhooks/contact-payload';
export { apiCallSchema, apiContactSchema, apiMessageSchema } from './webhooks/api-objects';
export type { ApiCall, ApiMessage } from './webhooks/api-objects';
export { quoContextSchema } from './webhooks/quo-envelope';
export type { ContactLookup, QuoContext } from './webhooks/quo-envelope';
