// The campaigns capability's public surface: what other capabilities, lib/ and cli/ may use.
import { join } from 'node:path';
export { campaignRepositories, readCampaignReport } from './adapters/campaign-repositories';
export type { CampaignRepositories } from './adapters/campaign-repositories';
export type { StoredCampaign } from './adapters/campaign-repository';
export { RecipientErasureRepository } from './adapters/recipient-erasure';
export { SendTrackingRepository } from './adapters/send-tracking-repository';
export { campaignDefinition, parseCampaignDefinition } from './domain/campaign-definition';
export type { CampaignDefinition, CampaignDefinitionInput } from './domain/campaign-definition';
export {
  campaignTableKeys,
  campaignTrackingPartitions,
  recipientStates,
  sentRowAttributes,
} from './domain/campaign-keys';
export type { RecipientState } from './domain/campaign-keys';
export { allowedActions, isFinished } from './domain/campaign-state';
export type { CampaignAction, CampaignState, PauseReason } from './domain/campaign-state';
export { parseCsv } from './domain/csv';
export { decodeRecipientFile, type RecipientFileDecoding } from './domain/recipient-file';
export { businessDayKey } from './domain/daily-cap';
export { defaultStateSendingRules, isWithinSendingWindow, stateSendingRules } from './domain/quiet-hours';
export { sendingNumberRules, type SendingNumberRules } from './domain/sending-numbers';
export type { StateSendingRules } from './domain/quiet-hours';
export { importRecipients } from './domain/recipients';
export type { DuplicateNumber, InvalidRow, RecipientImport } from './domain/recipients';
export { campaignReport, significanceReadiness, variantStatisticsOf } from './domain/report';
export type { ReportedRecipient, SignificanceReadiness, VariantStatistics } from './domain/report';
export { decideSend, isAbandoned, renderRecipientMessage } from './domain/send-decision';
export type { SendFacts } from './domain/send-decision';
export { campaignSenderMetrics } from './domain/sender-metrics';
export { compareReplyRates, ratesOf } from './domain/statistics';
export type { VariantCounts } from './domain/statistics';
export { parseTemplate, renderTemplate, requiredFieldsOf } from './domain/template';
export type { RenderResult } from './domain/template';
export {
  attributedSend,
  campaignSignalsOf,
  defaultReplyWindowDays,
  maxReplyWindowDays,
} from './domain/tracking';
export type { CampaignSignal } from './domain/tracking';
export { assignVariant } from './domain/variants';

/** The campaign sender's entry file, for the CDK construct to bundle. */
export const campaignSenderEntry = join(__dirname, 'handler.ts');
