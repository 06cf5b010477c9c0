import { z } from 'zod';
import { environmentNames } from '../shared/environment';
import { messageListings } from './domain/import-settings';

/** The history import Lambda's variables (`lib/history-import.ts` sets them). */
export const importEnvironmentNames = {
  importTable: 'IMPORT_TABLE_NAME',
  crmTable: environmentNames.crmTable,
  rateLimitTable: environmentNames.rateLimitTable,
  apiKeyParameter: environmentNames.openPhoneApiKeyParameter,
  openPhoneBaseUrl: environmentNames.openPhoneBaseUrl,
  reserveMs: 'IMPORT_RESERVE_MS',
  messageListing: 'IMPORT_MESSAGE_LISTING',
  activityRetentionDays: environmentNames.activityRetentionDays,
} as const;

export const importEnvironmentShape = {
  [importEnvironmentNames.importTable]: z.string().min(3),
  [importEnvironmentNames.crmTable]: z.string().min(3),
  [importEnvironmentNames.rateLimitTable]: z.string().min(3),
  [importEnvironmentNames.apiKeyParameter]: z.string().min(1),
  [importEnvironmentNames.openPhoneBaseUrl]: z.string().url().default('https://api.openphone.com'),
  [importEnvironmentNames.reserveMs]: z.coerce.number().int().positive().default(30_000),
  [importEnvironmentNames.messageListing]: z.enum(messageListings).default('workspace'),
  /** Days an activity is kept (DynamoDB TTL); unset: kept. */
  [importEnvironmentNames.activityRetentionDays]: z.coerce.number().int().positive().optional(),
};
