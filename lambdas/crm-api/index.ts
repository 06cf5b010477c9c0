// The crm-api capability's public surface: what lib/, local/ and cli/ may use.
import { join } from 'node:path';
export { ApiMessageRepository } from './adapters/api-message-repository';
export type { ApiMessageRepositoryOptions } from './adapters/api-message-repository';
export { erasureStoresBeyondTheCrm } from './adapters/erasure-stores';
export { crmApiEnvironmentNames } from './environment';
export { stateMachineSecondSweep } from './adapters/second-sweep-scheduler';
export { readSecondSweepInvocation } from './domain/second-sweep-invocation';
export type { SecondSweepInvocation } from './domain/second-sweep-invocation';
export type { NewTaskBody } from './domain/conversation-action-routes';
export { runSecondSweep } from './second-sweep';
export type { SecondSweepDeps } from './second-sweep';
export type { ErasureStoresDeps } from './adapters/erasure-stores';
export { interactiveOpenPhoneClient } from './adapters/interactive-client';
export { MediaLinks } from './adapters/media-links';
export type { ApiMessage } from './domain/messages';
export type { Activity, ApiError, Contact } from './domain/resources';
export type { Suppression } from './domain/suppression-routes';
export { crmApiDocument } from './domain/openapi';
export { crmApiRoutes } from './domain/routes';
export { gatewayRoutes, routesOfScope, scopeForRequest } from './domain/route-access';
export type { GatewayRoute } from './domain/route-access';
export { crmApiScopeNames, crmApiScopes } from './domain/scopes';
export type { CrmApiScope } from './domain/scopes';
export { ApiRequestError } from './errors';
export { createMessageSending } from './sending/message-sending';
export type { MessageSending, MessageSendingDeps } from './sending/message-sending';
export { createConversationActions } from './conversations/conversation-actions';
export type {
  ConversationActionDeps,
  ConversationActions,
  OpenPhoneConversations,
} from './conversations/conversation-actions';
export type { Task } from './domain/conversation-action-routes';
export type { Conversation } from './domain/conversation-routes';
export { createCrmApiHandler } from './service';
export { maxReportDays, responseTimeQuery } from './domain/report-routes';
export { readResponseTimeReport } from './routes/reports';
export type { CrmApiDeps } from './service';

/** The CRM API Lambda's entry file, for the CDK construct to bundle. */
export const crmApiEntry = join(__dirname, 'handler.ts');
