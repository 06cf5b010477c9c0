import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ActivityRepository, SuppressionRepository } from '../lambdas/crm';
import { ApiMessageRepository, createMessageSending, type MessageSending } from '../lambdas/crm-api';
import type { OpenPhoneClient } from '../lambdas/openphone';

/**
 * `messages send` and `messages show` run the CRM API's own sending code against the target's
 * tables and OpenPhone (no HTTP: a deployed API wants SigV4, the tables only the operator's AWS
 * credentials every other command uses): the same key claim, suppression gate, interactive lane and
 * reconciliation as `POST /v1/messages`, and a message sent here is readable through the API.
 */
export function targetMessageSending(input: {
  documents: DynamoDBDocumentClient;
  crmTable: string;
  openPhone: () => Promise<OpenPhoneClient>;
  /** MESSAGES_DEFAULT_FROM, or the replica's default; else the workspace's only number. */
  defaultFrom: string | undefined;
}): MessageSending {
  const { documents, crmTable, defaultFrom } = input;
  return createMessageSending({
    messages: new ApiMessageRepository(documents, crmTable),
    suppressions: new SuppressionRepository(documents, crmTable),
    activities: new ActivityRepository(documents, crmTable),
    openPhone: input.openPhone,
    ...(defaultFrom ? { defaultFrom } : {}),
    // The command prints the outcome; the sending code's own log lines would only repeat it.
    logger: { info: () => undefined, warn: () => undefined },
  });
}
