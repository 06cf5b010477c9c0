export { startOpenPhoneSimulator, type OpenPhoneSimulator, type OpenPhoneSimulatorOptions } from './server';
export {
  SimulatedWorkspace,
  defaultWorkspaceSize,
  type WorkspaceSize,
  type WorkspaceActivity,
  type InboundMessageOptions,
  type InboundCallOptions,
} from './workspace';
export { FaultSwitches } from './faults';
export { startTraffic, inboundContact, recipientReply, type RunningTraffic, type Scheduler } from './traffic';
export { defaultTrafficRates, parseTrafficSetting, type TrafficRates } from './traffic-rates';
export { RequestLog, type SimulatorStats, type LoggedRequest } from './request-log';
export {
  WebhookDispatcher,
  legacySignatureHeader,
  type SigningScheme,
  type WebhookTargetOptions,
  type WebhookDeliveryOptions,
  type WebhookDelivery,
  type WebhookSubscription,
  type QuoSubscription,
  type EventIdsAcrossSystems,
} from './webhooks';
export { routes, type Route } from './routes';
export type { OpenPhoneErrorBody } from './errors';
export type { TaskRecord } from './tasks';
export type {
  ActivityRecord,
  CallRecord,
  ContactRecord,
  ConversationRecord,
  MessageRecord,
  PhoneNumberRecord,
  UserRecord,
} from './resources';
