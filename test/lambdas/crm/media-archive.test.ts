import { activityChangeFromWebhook } from '../../../lambdas/crm/domain/activity-mapping';
import {
  archiveKeyOf,
  archiveRejectionOf,
  defaultMaxArchiveBytes,
  isArchivableContentType,
  isPermanentFetchStatus,
  mediaArchiveJobsOf,
} from '../../../lambdas/crm/domain/media-archive';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { completedCall, legacyEvent, messageObject, recording } from '../../support/openphone-payloads';

function changeOf(type: string, object: Record<string, unknown>) {
  const parsed = parseWebhookEvent(legacyEvent(type, object, '2026-11-20T11:05:00.000Z'));
  if (!parsed.ok) throw new Error(parsed.reason);
  const mapped = activityChangeFromWebhook(parsed.value, '2026-11-20T12:00:00.000Z');
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.change;
}

describe('archive keys', () => {
  it('are media/<activityId>/<index>-<kind>.<ext>, the extension from the content type', () => {
    expect(archiveKeyOf({ activityId: 'AC1', field: 'media', index: 2 }, 'image/jpeg')).toBe(
      'media/AC1/2-media.jpg',
    );
    expect(archiveKeyOf({ activityId: 'AC1', field: 'recordings', index: 0 }, 'audio/mpeg; x=1')).toBe(
      'media/AC1/0-recording.mp3',
    );
    expect(archiveKeyOf({ activityId: 'AC1', field: 'voicemail', index: 0 }, 'text/vcard')).toBe(
      'media/AC1/0-voicemail.vcf',
    );
    expect(archiveKeyOf({ activityId: 'AC1', field: 'media', index: 0 }, 'application/x-unknown')).toBe(
      'media/AC1/0-media.bin',
    );
  });
});

describe('what may be archived', () => {
  it('allows images, audio, video, PDFs and vCards, in any case and with parameters', () => {
    for (const type of [
      'image/png',
      'IMAGE/JPEG',
      'audio/mpeg',
      'video/mp4',
      'application/pdf',
      'text/vcard; charset=utf-8',
    ])
      expect(isArchivableContentType(type)).toBe(true);
    for (const type of ['text/html', 'application/javascript', 'application/x-msdownload', ''])
      expect(isArchivableContentType(type)).toBe(false);
  });

  it('refuses a disallowed type or a declared size over the limit (25 MiB by default)', () => {
    expect(archiveRejectionOf({ contentType: 'text/html', contentLength: 10 })).toEqual({
      kind: 'content-type-not-allowed',
      contentType: 'text/html',
    });
    expect(
      archiveRejectionOf({ contentType: 'image/png', contentLength: defaultMaxArchiveBytes + 1 }),
    ).toEqual({
      kind: 'too-large',
      bytes: defaultMaxArchiveBytes + 1,
      limit: defaultMaxArchiveBytes,
    });
    expect(
      archiveRejectionOf({ contentType: 'image/png', contentLength: defaultMaxArchiveBytes }),
    ).toBeUndefined();
    expect(archiveRejectionOf({ contentType: 'image/png', contentLength: undefined })).toBeUndefined();
  });

  it('treats 4xx answers as gone for good, except 408 and 429', () => {
    expect([403, 404, 410].map(isPermanentFetchStatus)).toEqual([true, true, true]);
    expect([408, 429, 500, 503].map(isPermanentFetchStatus)).toEqual([false, false, false, false]);
  });
});

describe('archive jobs of an activity change', () => {
  it('archives every message media item', () => {
    const change = changeOf('message.received', messageObject());
    expect(mediaArchiveJobsOf(change, ['status'], 'EV1')).toEqual([
      {
        activityId: 'ACmsg0001',
        field: 'media',
        index: 0,
        url: 'https://storage.openphone.example/m1.jpg',
        declaredType: 'image/jpeg',
        eventId: 'EV1',
      },
    ]);
  });

  it('archives recordings and the voicemail only when the upsert applied them', () => {
    const voicemail = { url: 'https://storage.openphone.example/vm.mp3', type: 'audio/mpeg', duration: 20 };
    const change = changeOf('call.completed', completedCall({ media: [recording], voicemail }));
    expect(
      mediaArchiveJobsOf(change, ['status', 'recordings', 'voicemail'], 'EV2').map((j) => [j.field, j.index]),
    ).toEqual([
      ['recordings', 0],
      ['voicemail', 0],
    ]);
    expect(mediaArchiveJobsOf(change, ['status'], 'EV2')).toEqual([]);
  });

  it('skips URLs a fetch could not reach', () => {
    const change = changeOf(
      'message.received',
      messageObject({ media: [{ url: 'not a url', type: 'image/png' }] }),
    );
    expect(mediaArchiveJobsOf(change, [], 'EV3')).toEqual([]);
  });
});
