import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DirectoryRepository } from '../../../lambdas/crm/adapters/directory-repository';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { directoryOf } from '../../../lambdas/crm/domain/directory';
import type { EventOutcome } from '../../../lambdas/events/domain/event-processing';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { localIngestAndProcessing, processWebhook } from '../../support/local-pipeline';
import { contactNumber, contactObject, line, messageObject, userId } from '../../support/openphone-payloads';
import { newLegacyKey } from '../../support/signers';

jest.setTimeout(60_000);

const bucket = 'media-erasure-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

const otherMember = '+15553334444';
const workspaceNumbers = [
  {
    id: line.id,
    number: line.number,
    name: 'Sales line',
    users: [
      { id: userId, firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', role: 'owner' },
    ],
  },
];

async function setUp() {
  const outcomes: { eventId: string; outcome: EventOutcome }[] = [];
  const { processing } = await localIngestAndProcessing({
    signingKeys: [newLegacyKey()],
    s3,
    bucket,
    logger: new Logger({ logLevel: 'SILENT' }),
    onOutcome: (_family, message, outcome) => outcomes.push({ eventId: message.eventId, outcome }),
  });
  const { documents, crmTable } = processing;
  const directory = new DirectoryRepository(documents, crmTable);
  await directory.replaceDirectory(directoryOf(workspaceNumbers), '2026-11-20T00:00:00.000Z');
  const erasure = new ErasureRepository(documents, crmTable, {
    s3: s3.client(),
    mediaBucket: bucket,
    indexSettleMs: 0,
  });

  let counter = 0;
  /** A webhook as the ingest records it, then its family's processor; answers the event's outcome. */
  const deliver = async (
    type: string,
    object: Record<string, unknown>,
    createdAt = '2026-11-20T10:00:01.000Z',
  ) => {
    const eventId = `EVerase${Date.now().toString(36)}${counter++}`;
    const response = await processWebhook(processing, { eventId, type, object, createdAt });
    expect(response.batchItemFailures).toEqual([]);
    return outcomes.find((o) => o.eventId === eventId)!.outcome;
  };
  return { processing, erasure, deliver };
}

describe('people, not ids', () => {
  it('a processed webhook activity carries the user and line names beside their ids', async () => {
    const { processing, deliver } = await setUp();
    await deliver('message.received', messageObject({ id: 'ACnamed', userId }));

    expect(await processing.activities.getActivity('ACnamed')).toMatchObject({
      userId,
      userName: 'Grace Hopper',
      phoneNumberId: line.id,
      phoneNumberName: 'Sales line',
    });
  });

  it('an id the directory does not know gets no name and the activity is recorded all the same', async () => {
    const { processing, deliver } = await setUp();
    const outcome = await deliver(
      'message.received',
      messageObject({ id: 'ACunknown', userId: 'USnobody', phoneNumberId: 'PNnowhere' }),
    );

    expect(outcome.status).toBe('processed');
    const stored = await processing.activities.getActivity('ACunknown');
    expect(stored).toMatchObject({ userId: 'USnobody', phoneNumberId: 'PNnowhere' });
    expect(stored).not.toHaveProperty('userName');
    expect(stored).not.toHaveProperty('phoneNumberName');
  });
});

describe('erasing one person', () => {
  it('removes their activities, timeline entries, archived media and contact, keeps the suppression, audits the erase', async () => {
    const { processing, erasure, deliver } = await setUp();
    await deliver('message.received', messageObject({ id: 'ACold1' }));
    await deliver(
      'message.received',
      messageObject({ id: 'ACstop', text: 'STOP', media: [], createdAt: '2026-11-20T10:05:00.000Z' }),
    );
    // A group message: the other member's timeline loses it too (it holds the erased person's words).
    await deliver(
      'message.received',
      messageObject({
        id: 'ACgroup',
        direction: 'outgoing',
        from: line.number,
        to: [contactNumber, otherMember],
        media: [],
        createdAt: '2026-11-20T10:06:00.000Z',
      }),
    );
    await deliver('contact.updated', contactObject());
    const archiveKey = 'media/ACold1/0-media.jpg';
    await s3.client().send(new PutObjectCommand({ Bucket: bucket, Key: archiveKey, Body: 'jpeg' }));
    const media = (await processing.activities.getActivity('ACold1'))!.media![0]!;
    await processing.activities.recordMediaArchive(
      { activityId: 'ACold1', field: 'media', index: 0, url: media.url },
      { archiveKey },
    );
    expect((await processing.activities.timeline(contactNumber)).items).toHaveLength(3);
    expect((await processing.activities.timeline(otherMember)).items).toHaveLength(1);

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result).toEqual({
      phoneNumber: contactNumber,
      erased: {
        activities: 3,
        media: 1,
        contacts: 1,
        apiMessages: 0,
        eventPayloads: 0,
        campaignRecipients: 0,
      },
      erasedAt: expect.any(String),
      expiringCopies: [expect.objectContaining({ expiresWithin: '14 days' })],
    });
    expect((await processing.activities.timeline(contactNumber)).items).toEqual([]);
    expect((await processing.activities.timeline(otherMember)).items).toEqual([]);
    for (const id of ['ACold1', 'ACstop', 'ACgroup'])
      expect(await processing.activities.getActivity(id)).toBeUndefined();
    await expect(
      s3.client().send(new GetObjectCommand({ Bucket: bucket, Key: archiveKey })),
    ).rejects.toThrow();
    expect(await processing.contacts.contactsByPhoneNumber(contactNumber)).toEqual([]);
    expect(await processing.contacts.getContact('CTcontact01')).toMatchObject({ deleted: true, emails: [] });
    expect(await processing.contacts.getContact('CTcontact01')).not.toHaveProperty('firstName');
    // Consent is kept: the opt-out and its audit stay.
    expect(await processing.suppressions.isSuppressed(contactNumber)).toBe(true);
    expect(await processing.suppressions.suppressionAudit(contactNumber)).toHaveLength(1);
    const { expiringCopies: _notAudited, ...audited } = result;
    expect(await erasure.erasureAudit(contactNumber)).toEqual([{ ...audited, requestedBy: 'test:operator' }]);
  });

  it('a late webhook for old activity is not recorded; a new message after the erase is', async () => {
    const { processing, erasure, deliver } = await setUp();
    await deliver('message.received', messageObject({ id: 'ACbefore' }));
    const { erasedAt } = await erasure.erase(contactNumber, 'test:operator');

    // A delivery status for the erased message, and a message from before the erase seen only now.
    const late = await deliver('message.received', messageObject({ id: 'ACbefore', status: 'delivered' }));
    const unseen = await deliver('message.received', messageObject({ id: 'ACunseen' }));
    expect([late.status, unseen.status]).toEqual(['processed', 'processed']);
    expect(await processing.activities.getActivity('ACbefore')).toBeUndefined();
    expect(await processing.activities.getActivity('ACunseen')).toBeUndefined();
    expect(await processing.contacts.contactsByPhoneNumber(contactNumber)).toEqual([]);
    // OpenPhone's older contact version does not bring the contact back.
    await deliver('contact.updated', contactObject());
    expect(await processing.contacts.contactsByPhoneNumber(contactNumber)).toEqual([]);

    const after = new Date(Date.parse(erasedAt) + 1_000).toISOString();
    await deliver('message.received', messageObject({ id: 'ACafter', createdAt: after }), after);
    expect((await processing.activities.timeline(contactNumber)).items.map((a) => a.activityId)).toEqual([
      'ACafter',
    ]);
  });
});
