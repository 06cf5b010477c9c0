import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import type { EventOutcome } from '../../../lambdas/events/domain/event-processing';
import { familyOf } from '../../../lambdas/events/domain/event-types';
import { queueMessageFor, type QueueMessage } from '../../../lambdas/events/domain/queue-message';
import type { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { EventRecordMissingError } from '../../../lambdas/events/errors';
import { InProcessQueue } from '../../../local/in-process-queue';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { familyQueueSettings } from '../../../local/template-reading';
import { webhookRequestEvent } from '../../support/api-gateway';
import { bridgeTemplate } from '../../support/dynamo';
import { localIngestAndProcessing } from '../../support/local-pipeline';
import {
  callObject,
  completedCall,
  contactNumber,
  contactObject,
  legacyEvent,
  summaryObject,
  messageObject,
  outgoingMessageObject,
} from '../../support/openphone-payloads';
import { legacySignatureHeader, newLegacyKey } from '../../support/signers';
import { batchOf, sqsRecord } from '../../support/sqs';

jest.setTimeout(60_000);

const bucket = 'media-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

const silent = new Logger({ logLevel: 'SILENT' });
const key = newLegacyKey();

/** A transient DynamoDB error, as the SDK names it. */
class ThrottlingError extends Error {
  override readonly name = 'ProvisionedThroughputExceededException';
}

type Outcome = { eventId: string; outcome: EventOutcome };

async function setUp(
  options: {
    wrapActivities?: (activities: ActivityRepository) => ActivityRepository;
    fetch?: typeof fetch;
  } = {},
) {
  const outcomes: Outcome[] = [];
  const archiveResults: { activityId: string; kind: string }[] = [];
  const { ingest, processing } = await localIngestAndProcessing({
    signingKeys: [key],
    s3,
    bucket,
    archiveQueueSettings: { visibilityTimeoutSeconds: 0 },
    logger: silent,
    fetchTimeoutMs: 2_000,
    // The samples' media host, resolved to a public address; nothing is fetched unless a test answers.
    mediaHosts: ['storage.openphone.example'],
    resolveHost: async () => ['93.184.216.34'],
    fetch: async () => {
      throw new TypeError('fetch failed');
    },
    ...options,
    onOutcome: (_family, message, outcome) => outcomes.push({ eventId: message.eventId, outcome }),
    onArchiveResult: (job, result) => archiveResults.push({ activityId: job.activityId, kind: result.kind }),
  });
  return { ingest, processing, outcomes, archiveResults };
}

let eventCounter = 0;
/** Records an event as the ingest would, and returns its queue message. */
async function recordedEvent(
  events: { recordEventOnce: (r: ReturnType<typeof newEventRecord>) => Promise<unknown> },
  type: string,
  object: Record<string, unknown> | string,
  options: { eventId?: string; createdAt?: string } = {},
): Promise<QueueMessage> {
  const eventId = options.eventId ?? `EVproc${Date.now().toString(36)}${eventCounter++}`;
  const createdAt = options.createdAt ?? '2026-11-20T10:00:01.000Z';
  const payload =
    typeof object === 'string'
      ? object
      : JSON.stringify(legacyEvent(type, object, createdAt, { id: eventId }));
  const record = newEventRecord({
    eventId,
    type,
    family: familyOf(type),
    scheme: 'legacy',
    payload,
    receivedAt: new Date('2026-11-20T10:00:02.000Z'),
    retentionDays: 90,
  });
  await events.recordEventOnce(record);
  return queueMessageFor(record);
}

describe('a family processor against DynamoDB Local', () => {
  it('records a poison payload as failed with its reason, processes the rest, and retries nothing', async () => {
    const { processing, outcomes } = await setUp();
    const { events, activities } = processing;
    const good1 = await recordedEvent(events, 'message.received', messageObject({ id: 'ACgood1' }));
    const bad = await recordedEvent(
      events,
      'message.received',
      messageObject({ id: 'ACbad', createdAt: 'soon' }),
    );
    const good2 = await recordedEvent(events, 'message.received', messageObject({ id: 'ACgood2' }));

    const response = await processing.processors.messages(
      batchOf(...[good1, bad, good2].map((m) => sqsRecord(JSON.stringify(m)))),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(await activities.getActivity('ACgood1')).toMatchObject({ kind: 'message' });
    expect(await activities.getActivity('ACgood2')).toMatchObject({ kind: 'message' });
    expect(await activities.getActivity('ACbad')).toBeUndefined();
    expect(await events.getEvent(bad.eventId)).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/^data\.object\.createdAt: /),
      attempts: 1,
      statusKey: 'failed#messages',
    });
    expect((await events.listEvents('failed', 'messages')).events.map((e) => e.eventId)).toEqual([
      bad.eventId,
    ]);
    expect(await events.getEvent(good1.eventId)).toMatchObject({
      status: 'processed',
      processedAt: expect.any(String),
    });
    expect(await events.getEvent(good1.eventId)).not.toHaveProperty('statusKey');
    expect(await events.countEvents('received', 'messages')).toBe(0);
    expect(outcomes.map((o) => o.outcome.status).sort()).toEqual(['failed', 'processed', 'processed']);
  });

  it('sends an unreadable queue message to the DLQ after maxReceiveCount without holding up its batch', async () => {
    const { processing } = await setUp();
    // The template's settings, but visible again at once: the real visibility timeout is minutes.
    const settings = familyQueueSettings(bridgeTemplate()).messages;
    const queue = new InProcessQueue('messages', { ...settings, visibilityTimeoutSeconds: 0 });
    const good = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACbeside' }),
    );
    queue.send('{"this is": "not a queue message"}');
    queue.send(JSON.stringify(good));

    // The first poll processes the good record; the poison one comes back until it is dead-lettered.
    for (let i = 0; i < 10 && queue.depth > 0; i++) await queue.pollOnce(processing.processors.messages);

    expect(queue.depth).toBe(0);
    expect(queue.deadLetters.map((m) => m.body)).toEqual(['{"this is": "not a queue message"}']);
    expect(queue.deadLetters[0]!.receiveCount).toBe(settings.maxReceiveCount);
    expect(await processing.events.getEvent(good.eventId)).toMatchObject({ status: 'processed' });
  });

  it('processes a duplicate delivery once: one record, the second delivery skipped', async () => {
    const { processing, outcomes } = await setUp();
    const message = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACdup' }),
    );
    const first = await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))));
    const stored = await processing.activities.getActivity('ACdup');
    const second = await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))));

    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(outcomes.map((o) => o.outcome.status)).toEqual(['processed', 'duplicate']);
    expect(await processing.activities.getActivity('ACdup')).toEqual(stored);
    expect(
      (await processing.activities.timeline(contactNumber)).items.filter((a) => a.activityId === 'ACdup'),
    ).toHaveLength(1);
  });

  it('records a transient failure with its attempt count, lets SQS retry only that record, then ends processed', async () => {
    let throttles = 1;
    const { processing } = await setUp({
      wrapActivities: (activities) =>
        Object.assign(Object.create(activities) as ActivityRepository, {
          upsertActivity: async (...args: Parameters<ActivityRepository['upsertActivity']>) => {
            if (args[0].activityId === 'ACthrottled' && throttles-- > 0)
              throw new ThrottlingError('slow down');
            return activities.upsertActivity(...args);
          },
        }),
    });
    const throttled = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACthrottled' }),
    );
    const beside = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACfine' }),
    );
    const throttledRecord = sqsRecord(JSON.stringify(throttled));

    const first = await processing.processors.messages(
      batchOf(throttledRecord, sqsRecord(JSON.stringify(beside))),
    );
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: throttledRecord.messageId }]);
    expect(await processing.events.getEvent(throttled.eventId)).toMatchObject({
      status: 'failed',
      failureReason: 'transient: ProvisionedThroughputExceededException',
      attempts: 1,
    });
    expect(await processing.events.getEvent(beside.eventId)).toMatchObject({ status: 'processed' });

    const retry = await processing.processors.messages(batchOf({ ...sqsRecord(throttledRecord.body, 2) }));
    expect(retry.batchItemFailures).toEqual([]);
    const ended = await processing.events.getEvent(throttled.eventId);
    expect(ended).toMatchObject({ status: 'processed', attempts: 1 });
    expect(ended).not.toHaveProperty('failureReason');
    expect(await processing.events.countEvents('failed', 'messages')).toBe(0);
    expect(await processing.activities.getActivity('ACthrottled')).toMatchObject({ kind: 'message' });
  });

  it('reads the payload from the events table when the queue message carries it by reference', async () => {
    const { processing } = await setUp();
    const message = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACbyref' }),
    );
    const { payload: _payload, ...byReference } = message;
    const response = await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(byReference))));
    expect(response.batchItemFailures).toEqual([]);
    expect(await processing.activities.getActivity('ACbyref')).toMatchObject({ kind: 'message' });
  });

  it('processes only the stored, signed body: a queue message with an altered body changes nothing', async () => {
    const { processing } = await setUp();
    const signed = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACsigned', text: 'See you at five' }),
    );
    // Whoever can write to the queue names a real open event but brings a body of their own.
    const forgedBody = JSON.stringify(
      legacyEvent(
        'message.received',
        messageObject({ id: 'ACforged', text: 'STOP' }),
        '2026-11-20T10:00:01.000Z',
        {
          id: signed.eventId,
        },
      ),
    );
    const forged = { ...signed, payload: forgedBody };
    const response = await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(forged))));

    expect(response.batchItemFailures).toEqual([]);
    expect(await processing.activities.getActivity('ACforged')).toBeUndefined();
    expect(await processing.activities.getActivity('ACsigned')).toMatchObject({ text: 'See you at five' });
    expect(await processing.suppressions.isSuppressed(contactNumber)).toBe(false);
  });

  it('ignores a queue message that names another family than the event was recorded with', async () => {
    const { processing } = await setUp();
    const call = await recordedEvent(processing.events, 'call.completed', completedCall({ id: 'ACnotamsg' }));
    // Relabelled for the messages queue: the stored family decides, so it is refused, not written.
    await processing.processors.messages(
      batchOf(sqsRecord(JSON.stringify({ ...call, family: 'messages', type: 'message.received' }))),
    );
    expect(await processing.activities.getActivity('ACnotamsg')).toBeUndefined();
    expect(await processing.events.getEvent(call.eventId)).toMatchObject({
      failureReason: 'family: a calls event on the messages queue',
    });
  });
});

describe('each family', () => {
  it('calls: a completed call with a voicemail becomes a voicemail activity, and its voicemail is archived', async () => {
    const { processing } = await setUp({
      fetch: async () =>
        new Response(new Uint8Array(8), { status: 200, headers: { 'content-type': 'audio/mpeg' } }),
    });
    const voicemail = { url: 'https://storage.openphone.example/vm1.mp3', type: 'audio/mpeg', duration: 12 };
    const ringing = await recordedEvent(processing.events, 'call.ringing', callObject({ id: 'ACvm' }), {
      createdAt: '2026-11-20T11:00:00.000Z',
    });
    const completed = await recordedEvent(
      processing.events,
      'call.completed',
      completedCall({ id: 'ACvm', answeredAt: null, voicemail }),
      { createdAt: '2026-11-20T11:05:00.000Z' },
    );
    // Out of order: the completed call first; the late ringing does not roll the status back.
    for (const message of [completed, ringing])
      await processing.processors.calls(batchOf(sqsRecord(JSON.stringify(message))));
    await processing.archiveQueue.pollOnce(processing.archiveMedia);

    expect(await processing.activities.getActivity('ACvm')).toMatchObject({
      kind: 'voicemail',
      status: 'completed',
      voicemail: { url: voicemail.url, archiveKey: 'media/ACvm/0-voicemail.mp3', duration: 12 },
    });
  });

  it('call intelligence: a summary that arrives before its call is attached to the activity the call fills in', async () => {
    const { processing } = await setUp();
    const summary = await recordedEvent(
      processing.events,
      'call.summary.completed',
      summaryObject({ callId: 'ACsummarised' }),
      { createdAt: '2026-11-20T11:06:00.000Z' },
    );
    const call = await recordedEvent(
      processing.events,
      'call.completed',
      completedCall({ id: 'ACsummarised' }),
      {
        createdAt: '2026-11-20T11:05:00.000Z',
      },
    );
    await processing.processors['call-intelligence'](batchOf(sqsRecord(JSON.stringify(summary))));
    await processing.processors.calls(batchOf(sqsRecord(JSON.stringify(call))));

    expect(await processing.activities.getActivity('ACsummarised')).toMatchObject({
      kind: 'call',
      status: 'completed',
      from: contactNumber,
      summary: ['The customer asked about delivery times.'],
    });
  });

  it('call intelligence: transcript lines under transcript.dialogue end in the call activity', async () => {
    const { processing } = await setUp();
    const transcript = await recordedEvent(processing.events, 'call.transcript.completed', {
      object: 'callTranscript',
      transcript: {
        callId: 'ACnestedlines',
        dialogue: [
          { speaker: contactNumber, text: 'Can you come on Friday?' },
          { speaker: 'Agent', text: 'Friday at ten.' },
        ],
        status: 'completed',
      },
    });

    await processing.processors['call-intelligence'](batchOf(sqsRecord(JSON.stringify(transcript))));

    expect(await processing.activities.getActivity('ACnestedlines')).toMatchObject({
      kind: 'call',
      transcript: {
        dialogue: [
          { content: 'Can you come on Friday?', identifier: contactNumber },
          { content: 'Friday at ten.', identifier: 'Agent' },
        ],
      },
    });
    expect(await processing.events.getEvent(transcript.eventId)).toMatchObject({ status: 'processed' });
  });

  it('calls: a recording object that names its call is attached to that call, not stored under its own id', async () => {
    const { processing } = await setUp();
    const recordingEvent = await recordedEvent(processing.events, 'call.recording.completed', {
      id: 'CRrecording01',
      object: 'callRecording',
      callId: 'ACrecorded',
      url: 'https://storage.openphone.example/rec-attached.mp3',
      type: 'audio/mpeg',
      duration: 42,
    });

    await processing.processors.calls(batchOf(sqsRecord(JSON.stringify(recordingEvent))));

    expect(await processing.activities.getActivity('CRrecording01')).toBeUndefined();
    expect(await processing.activities.getActivity('ACrecorded')).toMatchObject({
      kind: 'call',
      recordings: [
        { url: 'https://storage.openphone.example/rec-attached.mp3', type: 'audio/mpeg', duration: 42 },
      ],
    });
  });

  it('fails, naming what was missing, an event whose content cannot be read, and writes no activity', async () => {
    const { processing, outcomes } = await setUp();
    const noLines = await recordedEvent(processing.events, 'call.transcript.completed', {
      callId: 'ACnolines',
      transcript: { dialogue: [] },
      status: 'completed',
    });
    const empty = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACemptymsg', text: null, media: [] }),
    );

    const intelligence = await processing.processors['call-intelligence'](
      batchOf(sqsRecord(JSON.stringify(noLines))),
    );
    const messages = await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(empty))));

    expect([...intelligence.batchItemFailures, ...messages.batchItemFailures]).toEqual([]);
    expect(await processing.events.getEvent(noLines.eventId)).toMatchObject({
      status: 'failed',
      failureReason: 'activity: missing-transcript-lines',
      statusKey: 'failed#call-intelligence',
    });
    expect(await processing.events.getEvent(empty.eventId)).toMatchObject({
      status: 'failed',
      failureReason: 'activity: missing-text-and-media',
    });
    expect(await processing.activities.getActivity('ACnolines')).toBeUndefined();
    expect(await processing.activities.getActivity('ACemptymsg')).toBeUndefined();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(['failed', 'failed']);
  });

  it('contacts: an update is stored and a deletion keeps the contact, flagged', async () => {
    const { processing } = await setUp();
    const updated = await recordedEvent(
      processing.events,
      'contact.updated',
      contactObject({ id: 'CTsoft' }),
    );
    const deleted = await recordedEvent(
      processing.events,
      'contact.deleted',
      contactObject({ id: 'CTsoft' }),
      {
        createdAt: '2026-11-21T09:00:00.000Z',
      },
    );
    await processing.processors.contacts(batchOf(sqsRecord(JSON.stringify(updated))));
    expect(await processing.contacts.getContact('CTsoft')).toMatchObject({
      firstName: 'Ada',
      deleted: false,
    });
    await processing.processors.contacts(batchOf(sqsRecord(JSON.stringify(deleted))));
    expect(await processing.contacts.getContact('CTsoft')).toMatchObject({ firstName: 'Ada', deleted: true });
  });

  it('rejects an event queued for the wrong family without writing it', async () => {
    const { processing } = await setUp();
    const call = await recordedEvent(
      processing.events,
      'call.completed',
      completedCall({ id: 'ACmisrouted' }),
    );
    const response = await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(call))));
    expect(response.batchItemFailures).toEqual([]);
    expect(await processing.events.getEvent(call.eventId)).toMatchObject({
      status: 'failed',
      failureReason: 'family: a calls event on the messages queue',
      statusKey: 'failed#messages',
    });
    expect(await processing.activities.getActivity('ACmisrouted')).toBeUndefined();
  });
});

describe('consent and delivery health through the processor', () => {
  it('suppresses the sender of STOP, lifts it on START, and only flags HELP', async () => {
    const { processing } = await setUp();
    const { events, suppressions } = processing;
    const process = async (id: string, text: string, createdAt: string) => {
      const message = await recordedEvent(
        events,
        'message.received',
        messageObject({ id, text, media: [], createdAt }),
        { createdAt },
      );
      expect(
        (await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))))).batchItemFailures,
      ).toEqual([]);
    };

    await process('ACstop', 'Stop', '2026-11-20T10:00:00.000Z');
    expect(await suppressions.isSuppressed(contactNumber)).toBe(true);
    await process('AChelp', 'HELP', '2026-11-20T10:01:00.000Z');
    expect(await suppressions.isSuppressed(contactNumber)).toBe(true);
    await process('ACstart', 'start', '2026-11-20T10:02:00.000Z');
    expect(await suppressions.isSuppressed(contactNumber)).toBe(false);
    expect((await suppressions.suppressionAudit(contactNumber)).map((e) => [e.action, e.reference])).toEqual([
      ['add', 'ACstop'],
      ['remove', 'ACstart'],
    ]);
  });

  it('suppresses a recipient as a bounce after three consecutive failed deliveries', async () => {
    const { processing } = await setUp();
    for (const [i, id] of ['ACout1', 'ACout2', 'ACout3'].entries()) {
      const at = `2026-11-20T10:0${i}:00.000Z`;
      const message = await recordedEvent(
        processing.events,
        'message.delivered',
        outgoingMessageObject({ id, status: 'undelivered', createdAt: at }),
        { createdAt: at },
      );
      await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))));
      expect(await processing.suppressions.isSuppressed(contactNumber)).toBe(i === 2);
    }
    expect(await processing.suppressions.suppressionsOf(contactNumber)).toEqual([
      expect.objectContaining({ reason: 'bounce', active: true, reference: 'ACout3' }),
    ]);
  });
});

describe('media archive', () => {
  const image = Buffer.from('\x89PNG fake image bytes');
  const imageFetch: typeof fetch = async () =>
    new Response(image, { status: 200, headers: { 'content-type': 'image/png' } });

  it('copies a message image to S3 and stores the key beside the original URL', async () => {
    const { processing, archiveResults } = await setUp({ fetch: imageFetch });
    const message = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACimage' }),
    );
    await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))));
    await processing.archiveQueue.pollOnce(processing.archiveMedia);

    expect(archiveResults).toEqual([{ activityId: 'ACimage', kind: 'archived' }]);
    const activity = await processing.activities.getActivity('ACimage');
    expect(activity?.media).toEqual([
      {
        url: 'https://storage.openphone.example/m1.jpg',
        type: 'image/jpeg',
        archiveKey: 'media/ACimage/0-media.png',
      },
    ]);
    const object = await s3
      .client()
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'media/ACimage/0-media.png' }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(image);
    expect(object.ContentType).toBe('image/png');
  });

  it('records why a disallowed content type was not archived, and does not retry it', async () => {
    const htmlFetch: typeof fetch = async () =>
      new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const { processing } = await setUp({ fetch: htmlFetch });
    const message = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'AChtml' }),
    );
    await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))));
    await processing.archiveQueue.pollOnce(processing.archiveMedia);
    expect(processing.archiveQueue.depth).toBe(0);
    expect((await processing.activities.getActivity('AChtml'))?.media?.[0]).toMatchObject({
      archiveSkipped: 'content-type-not-allowed',
    });
  });

  it('records a refused media URL with its reason, fetches nothing and does not retry it', async () => {
    const fetched: string[] = [];
    const { processing, archiveResults } = await setUp({
      fetch: async (url) => {
        fetched.push(String(url));
        return new Response(image, { status: 200, headers: { 'content-type': 'image/png' } });
      },
    });
    const message = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({
        id: 'ACmetadata',
        media: [
          { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', type: 'image/png' },
        ],
      }),
    );
    await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))));
    await processing.archiveQueue.pollOnce(processing.archiveMedia);

    expect(fetched).toEqual([]);
    expect(archiveResults).toEqual([{ activityId: 'ACmetadata', kind: 'rejected' }]);
    expect(processing.archiveQueue.depth).toBe(0);
    expect((await processing.activities.getActivity('ACmetadata'))?.media?.[0]).toEqual({
      url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      type: 'image/png',
      archiveSkipped: 'url-refused',
      archiveSkippedReason: 'the media URL was refused: scheme http: is not https:',
    });
  });

  it('a failing media fetch retries on its own, ends in the archive DLQ, and leaves the activity and event intact', async () => {
    const failingFetch: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const { processing } = await setUp({ fetch: failingFetch });
    const message = await recordedEvent(
      processing.events,
      'message.received',
      messageObject({ id: 'ACnomedia' }),
    );
    expect(
      (await processing.processors.messages(batchOf(sqsRecord(JSON.stringify(message))))).batchItemFailures,
    ).toEqual([]);
    const before = await processing.activities.getActivity('ACnomedia');

    for (let i = 0; i < 10 && processing.archiveQueue.depth > 0; i++)
      await processing.archiveQueue.pollOnce(processing.archiveMedia);

    expect(processing.archiveQueue.deadLetters).toHaveLength(1);
    expect(await processing.activities.getActivity('ACnomedia')).toEqual(before);
    expect(before?.media?.[0]).not.toHaveProperty('archiveKey');
    expect(await processing.events.getEvent(message.eventId)).toMatchObject({ status: 'processed' });
  });
});

describe('the whole local path', () => {
  it('takes a signed webhook through ingest, stream, queue and processor to a CRM record', async () => {
    const { ingest, processing, outcomes } = await setUp({
      fetch: async () => new Response(null, { status: 404 }),
    });
    const body = JSON.stringify(
      legacyEvent('message.received', messageObject({ id: 'ACwhole' }), '2026-11-20T10:00:01.000Z', {
        id: 'EVwhole',
      }),
    );
    const response = await ingest.ingest(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(202);

    await ingest.queues.messages.pollOnce(processing.processors.messages);
    await processing.archiveQueue.pollOnce(processing.archiveMedia);

    expect(outcomes).toEqual([{ eventId: 'EVwhole', outcome: { status: 'processed' } }]);
    expect(await processing.activities.getActivity('ACwhole')).toMatchObject({
      kind: 'message',
      conversationId: 'CNconv0001',
      media: [expect.objectContaining({ archiveSkipped: 'source-gone' })],
    });
    expect(await processing.events.getEvent('EVwhole')).toMatchObject({ status: 'processed' });
  });
});

describe('EventRepository: closing events', () => {
  it('never turns a processed event back into a failed one, and refuses to mark an unknown event', async () => {
    const { processing } = await setUp();
    const { events } = processing;
    const message = await recordedEvent(events, 'message.received', messageObject({ id: 'ACclosed' }));
    await events.markProcessed(message.eventId, new Date('2026-11-20T10:00:03.000Z'));
    expect(
      await events.markFailed(message.eventId, { family: 'messages', reason: 'transient: X', attempts: 2 }),
    ).toBe('already-processed');
    expect(await events.getEvent(message.eventId)).toMatchObject({
      status: 'processed',
      processedAt: '2026-11-20T10:00:03.000Z',
    });
    await expect(events.markProcessed('EVnowhere')).rejects.toBeInstanceOf(EventRecordMissingError);
    await expect(
      events.markFailed('EVnowhere', { family: 'messages', reason: 'x', attempts: 1 }),
    ).rejects.toBeInstanceOf(EventRecordMissingError);
  });
});
