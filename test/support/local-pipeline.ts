import type { Logger } from '@aws-lambda-powertools/logger';
import { buildLocalIngest } from '../../local/local-pipeline';
import { buildLocalProcessing, type LocalProcessingOptions } from '../../local/local-processing';
import type { RunningLocalS3 } from '../../local/s3-local';
import { bridgeTemplate, createBridgeTables } from './dynamo';

/**
 * Fresh tables, the local ingest (accepting `signingKeys`) and the processors behind its queues,
 * archiving into `bucket` of a running local S3.
 */
export async function localIngestAndProcessing(
  options: {
    signingKeys: string[];
    s3: RunningLocalS3;
    bucket: string;
    logger: Logger;
  } & Partial<
    Omit<
      LocalProcessingOptions,
      'template' | 'tableNames' | 'dynamoEndpoint' | 'familyQueues' | 's3' | 'mediaBucket'
    >
  >,
) {
  const { signingKeys, s3, bucket, ...processingOptions } = options;
  const tableNames = await createBridgeTables();
  const ingest = buildLocalIngest({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    signingKeys,
    logger: options.logger,
  });
  const processing = buildLocalProcessing({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    familyQueues: ingest.queues,
    s3: s3.client(),
    mediaBucket: bucket,
    ...processingOptions,
  });
  return { tableNames, ingest, processing };
}
