// Runs the real ingest handler against DynamoDB Local and kills its own process the moment the
// conditional put has succeeded: the "function dies between the put and the send" fault.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventRepository } from '../../lambdas/events/adapters/event-repository';
import { staticSigningKeys } from '../../lambdas/ingest/adapters/signing-keys';
import { createIngestHandler } from '../../lambdas/ingest/service';
import { localAwsConfig } from '../../local/local-pipeline';
import { webhookRequestEvent } from './api-gateway';
import { legacySignatureHeader } from './signers';

const { DYNAMODB_ENDPOINT = '', EVENTS_TABLE = '', SIGNING_KEY = '', BODY = '' } = process.env;
const events = new EventRepository(
  DynamoDBDocumentClient.from(new DynamoDBClient(localAwsConfig(DYNAMODB_ENDPOINT))),
  EVENTS_TABLE,
);
const handler = createIngestHandler({
  deps: {
    ...staticSigningKeys([SIGNING_KEY]),
    recordEventOnce: async (record) => {
      await events.recordEventOnce(record);
      process.kill(process.pid, 'SIGKILL');
      return 'recorded';
    },
  },
  settings: { maxBodyBytes: 262_144, retentionDays: 1 },
  logger: new Logger({ logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: 'test' }),
});
void handler(webhookRequestEvent(BODY, { 'openphone-signature': legacySignatureHeader(BODY, SIGNING_KEY) }));
