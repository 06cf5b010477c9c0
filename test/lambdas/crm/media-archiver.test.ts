import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { MediaArchiveJob } from '../../../lambdas/crm/domain/media-archive';
import { SqsMediaArchiveQueue } from '../../../lambdas/crm/adapters/media-archive-queue';
import { ArchiveEnqueueError } from '../../../lambdas/crm/errors';
import { MediaArchiver } from '../../../lambdas/crm/adapters/media-archiver';
import { MediaFetchError } from '../../../lambdas/crm/errors';

const job: MediaArchiveJob = {
  activityId: 'AC1',
  field: 'recordings',
  index: 0,
  url: 'https://storage.openphone.example/rec.mp3',
  declaredType: 'audio/mpeg',
  eventId: 'EV1',
};

const s3 = mockClient(S3Client);
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

const archiverWith = (fetchImpl: typeof fetch, maxBytes = 1024) =>
  new MediaArchiver(new S3Client({}), {
    bucketName: 'media',
    maxBytes,
    fetch: fetchImpl,
    fetchTimeoutMs: 200,
    urlPolicy: { allowedHosts: ['storage.openphone.example'] },
    resolveHost: async () => ['93.184.216.34'],
  });

/** A body streamed in chunks, with whatever headers the server claims. */
const streamed = (chunks: number[], headers: Record<string, string>) => async () =>
  new Response(
    new ReadableStream({
      start(controller) {
        for (const size of chunks) controller.enqueue(new Uint8Array(size));
        controller.close();
      },
    }),
    { status: 200, headers },
  );

describe('MediaArchiver', () => {
  it('puts the body under the activity key with the response content type', async () => {
    const outcome = await archiverWith(streamed([100, 200], { 'content-type': 'audio/mpeg' })).archive(job);
    expect(outcome).toEqual({
      kind: 'archived',
      key: 'media/AC1/0-recording.mp3',
      bytes: 300,
      contentType: 'audio/mpeg',
    });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'media',
      Key: 'media/AC1/0-recording.mp3',
      ContentType: 'audio/mpeg',
    });
  });

  it('falls back to the declared type when the response has none', async () => {
    const fetchWithoutType: typeof fetch = async () => new Response(new Uint8Array(10), { status: 200 });
    // A Response built from bytes gets no content type of its own.
    const outcome = await archiverWith(fetchWithoutType).archive(job);
    expect(outcome).toMatchObject({ kind: 'archived', contentType: 'audio/mpeg' });
  });

  it('refuses a declared size over the limit without reading the body', async () => {
    const outcome = await archiverWith(
      streamed([10], { 'content-type': 'audio/mpeg', 'content-length': '5000' }),
    ).archive(job);
    expect(outcome).toEqual({ kind: 'rejected', rejection: { kind: 'too-large', bytes: 5000, limit: 1024 } });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('stops reading a body that passes the limit whatever Content-Length said', async () => {
    const outcome = await archiverWith(streamed([600, 600, 600], { 'content-type': 'audio/mpeg' })).archive(
      job,
    );
    expect(outcome).toMatchObject({ kind: 'rejected', rejection: { kind: 'too-large' } });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses content types off the allow-list', async () => {
    const outcome = await archiverWith(streamed([10], { 'content-type': 'text/html' })).archive(job);
    expect(outcome).toEqual({
      kind: 'rejected',
      rejection: { kind: 'content-type-not-allowed', contentType: 'text/html' },
    });
  });

  it('answers a 404 or 410 as gone for good, and throws on a 503 so the job is retried', async () => {
    const status = (code: number) => async () => new Response(null, { status: code });
    expect(await archiverWith(status(410)).archive(job)).toEqual({
      kind: 'rejected',
      rejection: { kind: 'source-gone', httpStatus: 410 },
    });
    await expect(archiverWith(status(503)).archive(job)).rejects.toBeInstanceOf(MediaFetchError);
  });

  it('gives up on a URL that does not answer within the timeout', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)),
      );
    await expect(archiverWith(hanging).archive(job)).rejects.toMatchObject({
      name: 'MediaFetchError',
      reason: 'TimeoutError',
    });
  });

  it('lets an S3 failure through, so the job is retried', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
    await expect(
      archiverWith(streamed([10], { 'content-type': 'audio/mpeg' })).archive(job),
    ).rejects.toMatchObject({
      name: 'SlowDown',
    });
  });
});

describe('SqsMediaArchiveQueue', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('sends jobs in batches of ten', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SqsMediaArchiveQueue(new SQSClient({}), 'https://queue').enqueue(
      Array.from({ length: 12 }, (_, index) => ({ ...job, index })),
    );
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 2,
    ]);
  });

  it('throws when SQS refuses an entry, so the event is retried', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }],
      Successful: [],
    });
    await expect(
      new SqsMediaArchiveQueue(new SQSClient({}), 'https://queue').enqueue([job]),
    ).rejects.toBeInstanceOf(ArchiveEnqueueError);
  });
});
