import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventPayloadEraser } from '../../../lambdas/crm-api/adapters/erasure-stores';
import { activityChangeOfCreatedTask } from '../../../lambdas/crm';
import { writeMessages } from '../../../lambdas/history-import/record-writers';
import type { OpenPhoneClient } from '../../../lambdas/openphone';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { eraseRaceHarness } from '../../support/erase-race-harness';
import {
  apiMessage,
  contactNumber,
  contactObject,
  line,
  messageObject,
} from '../../support/openphone-payloads';

// Fault injection: the erase runs to its end between a writer's read of the erasure marker and
// its write reaching DynamoDB — the window in which the marker read saw nothing. What lands then
// is the second sweep's to erase, run once the writers' longest window has passed.

jest.setTimeout(60_000);

const { setUp, otherMember, after, s3Client, bucket } = eraseRaceHarness('media-erase-race-test');

describe('an erase that runs while a processor writes', () => {
  it('leaves nothing of a message the processor was writing when the erase began', async () => {
    const { deliver, writersWindowPasses, erasure, activities, timelineIndexItems } =
      await setUp('ACinflight');
    await deliver('message.received', messageObject({ id: 'ACearlier', text: 'First words' }));

    const outcome = await deliver(
      'message.received',
      messageObject({ id: 'ACinflight', text: 'Words written during the erase', media: [] }),
    );
    // The write landed after the first sweep: only the second one can reach it.
    expect(await activities.getActivity('ACinflight')).toBeDefined();
    await writersWindowPasses();

    expect(outcome).toEqual({ status: 'processed' });
    expect(await erasure.erasedAt(contactNumber)).toBeDefined();
    expect(await activities.getActivity('ACinflight')).toBeUndefined();
    expect(await activities.getActivity('ACearlier')).toBeUndefined();
    expect((await activities.timeline(contactNumber)).items).toEqual([]);
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
  });

  it('blanks the raw webhook body of that late activity too', async () => {
    const { deliver, eventIdAbout, events, crmTable, documents } = await setUp('ACnever-used');
    await deliver('message.received', messageObject({ id: 'ACjustbefore2', text: 'Late words' }));
    const late = { eventId: eventIdAbout.get('ACjustbefore2') };
    let indexReads = 0;
    const lagging = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const answer = (await documents.send(command)) as { Items?: Record<string, unknown>[] };
        const input = command.input as { IndexName?: string };
        if (command instanceof QueryCommand && input.IndexName === 'byContactNumber' && indexReads++ === 0)
          return { ...answer, Items: (answer.Items ?? []).filter((i) => i.activityId !== 'ACjustbefore2') };
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const erasure = new ErasureRepository(lagging, crmTable, {
      s3: s3Client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
      otherStores: [eventPayloadEraser(events)],
    });

    const result = await erasure.erase(contactNumber, 'test:lag');

    expect(result.erased.eventPayloads).toBe(1);
    expect((await events.getEvent(String(late!.eventId)))!.payload).toBe('');
  });

  it('leaves a group message in no member’s timeline', async () => {
    const { deliver, writersWindowPasses, activities, timelineIndexItems } = await setUp('ACgroupinflight');

    await deliver(
      'message.received',
      messageObject({
        id: 'ACgroupinflight',
        direction: 'outgoing',
        from: line.number,
        to: [contactNumber, otherMember],
        media: [],
      }),
    );
    await writersWindowPasses();

    expect(await activities.getActivity('ACgroupinflight')).toBeUndefined();
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
    expect(await timelineIndexItems(otherMember)).toEqual([]);
  });

  it('leaves no contact listing the number', async () => {
    const { deliver, writersWindowPasses, contacts } = await setUp('CTcontact01');

    const outcome = await deliver('contact.updated', contactObject());
    await writersWindowPasses();

    expect(outcome).toEqual({ status: 'processed' });
    expect(await contacts.contactsByPhoneNumber(contactNumber, { includeDeleted: true })).toEqual([]);
    expect(JSON.stringify((await contacts.getContact('CTcontact01')) ?? {})).not.toContain(contactNumber);
  });

  it('still records a message sent after the erase, through the second sweep', async () => {
    const { deliver, writersWindowPasses, activities } = await setUp('ACnewer');

    await deliver('message.received', messageObject({ id: 'ACnewer', createdAt: after, media: [] }), after);
    await writersWindowPasses();

    expect(await activities.getActivity('ACnewer')).toMatchObject({ text: 'Hello there' });
  });

  it('leaves nothing of a message an import was writing', async () => {
    const { racingActivities, racingContacts, activities, writersWindowPasses } = await setUp('ACimported');

    await writeMessages([apiMessage({ id: 'ACimported', text: 'Imported words' })], 'CNconv0001', {
      openPhone: {} as OpenPhoneClient,
      activities: racingActivities,
      contacts: racingContacts,
      clock: () => new Date(),
    });
    await writersWindowPasses();

    expect(await activities.getActivity('ACimported')).toBeUndefined();
    expect((await activities.timeline(contactNumber)).items).toEqual([]);
  });

  it('blanks the raw webhook body of a message written after the first sweep, and counts it on the audit', async () => {
    const { deliver, eventIdAbout, writersWindowPasses, events, erasure } = await setUp('AClatebody');

    await deliver('message.received', messageObject({ id: 'AClatebody', text: 'Late words', media: [] }));
    await writersWindowPasses();

    expect((await events.getEvent(eventIdAbout.get('AClatebody')!))!.payload).toBe('');
    const [audit] = await erasure.erasureAudit(contactNumber);
    expect(audit!.erased).toMatchObject({ activities: 1, eventPayloads: 1 });
  });

  it('removes a conversation record a fold put back after the first sweep', async () => {
    // The activity is written before the erase; its conversation's write is the one in flight.
    const { deliver, writersWindowPasses, conversations } = await setUp(/"sk":"STATE"/);

    await deliver(
      'message.received',
      messageObject({ id: 'ACfolded', text: 'Are you open today?', media: [] }),
    );
    const keys = (await conversations.waiting()).items.map((c) => c.conversationKey);
    expect(keys).toHaveLength(1);
    await writersWindowPasses();

    expect(await conversations.conversation(keys[0]!)).toBeUndefined();
  });

  it('keeps what is dated after the erase when the second sweep runs', async () => {
    const { deliver, writersWindowPasses, activities, contacts, conversations } =
      await setUp('ACwhileerasing');
    await deliver('message.received', messageObject({ id: 'ACwhileerasing', text: 'Before', media: [] }));

    await deliver(
      'message.received',
      messageObject({ id: 'ACafterwards', text: 'Are you there?', createdAt: after, media: [] }),
      after,
    );
    await deliver('contact.updated', contactObject({ id: 'CTlater', updatedAt: after }), after);
    await writersWindowPasses();

    expect(await activities.getActivity('ACwhileerasing')).toBeUndefined();
    expect(await activities.getActivity('ACafterwards')).toMatchObject({ text: 'Are you there?' });
    expect(await contacts.contactsByPhoneNumber(contactNumber)).toHaveLength(1);
    expect((await conversations.waiting()).items).toHaveLength(1);
  });

  // Tasks name no number: the second sweep finds them on a late activity's conversation, and must
  // still leave those made after the erase.
  it('keeps a task made on the conversation after the erase when the second sweep runs', async () => {
    const { deliver, writersWindowPasses, activities } = await setUp('ACbeforetask');
    await deliver('message.received', messageObject({ id: 'ACbeforetask', text: 'Before', media: [] }));
    const task = activityChangeOfCreatedTask({
      taskId: 'TKafterwards',
      conversationId: 'CNconv0001',
      title: 'Call them back',
      createdAt: after,
    });
    await activities.upsertActivity(task.update, task.eventTime);
    await writersWindowPasses();

    expect(await activities.getActivity('ACbeforetask')).toBeUndefined();
    expect(await activities.getActivity('TKafterwards')).toMatchObject({ kind: 'task' });
  });

  it('lets many writes for one person land at once: their checks of one marker do not starve each other', async () => {
    const { activities } = await setUp('never-erased');
    const writes = Array.from({ length: 20 }, (_, i) => {
      const createdAt = new Date(Date.UTC(2026, 10, 20, 12, 0, i)).toISOString();
      return activities.upsertActivity(
        {
          activityId: `ACburst${i}`,
          source: 'webhook',
          facts: { kind: 'message', contactNumbers: [contactNumber], createdAt, text: `burst ${i}` },
          aspects: { status: 'received' },
        },
        createdAt,
      );
    });

    const results = await Promise.all(writes);

    expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('applied'));
    expect((await activities.timeline(contactNumber, { limit: 100 })).items).toHaveLength(20);
  });
});

describe('an erase whose first read of the timeline index lags a write', () => {
  it('erases an activity committed just before the marker that the first index read missed', async () => {
    const { deliver, activities, timelineIndexItems, documents, crmTable } = await setUp('ACnever-used');
    await deliver('message.received', messageObject({ id: 'ACjustbefore', text: 'Committed a moment ago' }));
    // The eventually consistent index: its first answer does not yet hold the newest activity.
    let indexReads = 0;
    const lagging = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const answer = (await documents.send(command)) as { Items?: Record<string, unknown>[] };
        const input = command.input as { IndexName?: string };
        if (command instanceof QueryCommand && input.IndexName === 'byContactNumber' && indexReads++ === 0)
          return { ...answer, Items: (answer.Items ?? []).filter((i) => i.activityId !== 'ACjustbefore') };
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const erasure = new ErasureRepository(lagging, crmTable, {
      s3: s3Client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
    });

    const result = await erasure.erase(contactNumber, 'test:lag');

    expect(indexReads).toBeGreaterThanOrEqual(2);
    expect(result.erased.activities).toBe(1);
    expect(await activities.getActivity('ACjustbefore')).toBeUndefined();
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
  });
});
