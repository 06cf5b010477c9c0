import { Logger } from '@aws-lambda-powertools/logger';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { ActivityRepository, type SecondSweep } from '../../../lambdas/crm';
import { MediaArchiver } from '../../../lambdas/crm/adapters/media-archiver';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { createArchiveMediaHandler } from '../../../lambdas/crm/archive-media/service';
import type { MediaArchiveJob } from '../../../lambdas/crm/domain/media-archive';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { localIngestAndProcessing, processWebhook } from '../../support/local-pipeline';
import { contactNumber, messageObject } from '../../support/openphone-payloads';
import { newLegacyKey } from '../../support/signers';

// Fault injection: the erase runs to its end while the media archiver downloads a picture of the
// person (its fetch takes seconds); the archiver then puts the object and tries to record it.

jest.setTimeout(60_000);

const bucket = 'media-erase-media-race-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

const url = 'https://storage.openphone.example/m1.jpg';

it('leaves no archived picture of an erased person when the archiver was downloading it during the erase', async () => {
  const { processing } = await localIngestAndProcessing({
    signingKeys: [newLegacyKey()],
    s3,
    bucket,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const { documents, crmTable } = processing;
  const scheduled: SecondSweep[] = [];
  const erasure = new ErasureRepository(documents, crmTable, {
    s3: s3.client(),
    mediaBucket: bucket,
    indexSettleMs: 0,
    secondSweep: { schedule: async (sweep) => void scheduled.push(sweep) },
  });
  const response = await processWebhook(processing, {
    eventId: 'EVmediarace1',
    type: 'message.received',
    object: messageObject({ id: 'ACpicture', media: [{ url, type: 'image/jpeg' }] }),
    createdAt: '2026-11-20T10:00:01.000Z',
  });
  expect(response.batchItemFailures).toEqual([]);

  const archiver = new MediaArchiver(s3.client(), {
    bucketName: bucket,
    urlPolicy: { allowedHosts: ['storage.openphone.example'] },
    resolveHost: async () => ['93.184.216.34'],
    // The download is under way when the erase runs to its end.
    fetch: async () => {
      await erasure.erase(contactNumber, 'test:media-race');
      return new Response(new Uint8Array([0xff, 0xd8, 0xff]), {
        status: 200,
        headers: { 'content-type': 'image/jpeg' },
      });
    },
  });
  const handler = createArchiveMediaHandler({
    archiver,
    activities: new ActivityRepository(documents, crmTable),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const job: MediaArchiveJob = {
    activityId: 'ACpicture',
    field: 'media',
    index: 0,
    url,
    declaredType: 'image/jpeg',
    eventId: 'EVmediarace1',
  };
  const sqsEvent = {
    Records: [{ messageId: 'm1', body: JSON.stringify(job), attributes: { ApproximateReceiveCount: '1' } }],
  } as unknown as SQSEvent;
  await handler(sqsEvent);
  // The writers' window passes: the second sweep runs too.
  for (const sweep of scheduled.splice(0)) await erasure.sweepAgain(sweep);

  const listed = await s3
    .client()
    .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'media/ACpicture/' }));
  expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([]);
});
