import fc from 'fast-check';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { InvalidCursorError } from '../../../lambdas/crm/errors';
import type { ActivityChange, ActivityRecord } from '../../../lambdas/crm/domain/activity';
import { changeFromApiCall, changeFromApiMessage, changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  apiCall,
  apiMessage,
  completedCall,
  callObject,
  contactNumber,
  conversationId,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
  recording,
  summaryObject,
  transcriptObject,
} from '../../support/openphone-payloads';

let activities: ActivityRepository;
let crmTable: string;

beforeAll(async () => {
  const names = await createBridgeTables();
  crmTable = tableNamed(names, 'CrmTable');
  activities = new ActivityRepository(localDocumentClient(), crmTable);
  // Synthesizing the stack for the table schema can take long on a loaded machine.
}, 120_000);

async function apply(...changes: ActivityChange[]) {
  const results = [];
  for (const change of changes)
    results.push(await activities.upsertActivity(change.update, change.eventTime));
  return results;
}

async function recordOf(activityId: string): Promise<ActivityRecord> {
  const record = await activities.getActivity(activityId);
  if (!record) throw new Error(`no activity ${activityId}`);
  return record;
}

/** A record with its id blanked, to compare records of different ids built from the same events. */
const withoutId = (record: ActivityRecord) => ({ ...record, activityId: '-' });

let idCounter = 0;
const freshId = (prefix = 'AC') => `${prefix}${Date.now().toString(36)}${(idCounter++).toString(36)}`;

/** The five events of one answered, recorded, summarised and transcribed call. */
function callEvents(callId: string, from = contactNumber) {
  const voicemail = { url: 'https://storage.openphone.example/vm.mp3', type: 'audio/mpeg', duration: 12 };
  return {
    ringing: changeFromWebhook(
      legacyEvent('call.ringing', callObject({ id: callId, from }), '2026-11-20T11:00:01.000Z'),
    ),
    completed: changeFromWebhook(
      legacyEvent(
        'call.completed',
        completedCall({ id: callId, from, voicemail }),
        '2026-11-20T11:04:06.000Z',
      ),
    ),
    recorded: changeFromWebhook(
      legacyEvent(
        'call.recording.completed',
        completedCall({ id: callId, from, media: [recording], voicemail }),
        '2026-11-20T11:05:00.000Z',
      ),
    ),
    summarised: changeFromWebhook(
      legacyEvent('call.summary.completed', summaryObject({ callId }), '2026-11-20T11:06:00.000Z'),
    ),
    transcribed: changeFromWebhook(
      legacyEvent('call.transcript.completed', transcriptObject({ callId }), '2026-11-20T11:07:00.000Z'),
    ),
  };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

describe('one record per OpenPhone object, whatever the source', () => {
  it('a message webhook then its import, or the import then the webhook, make one identical record', async () => {
    const [first, second] = [freshId(), freshId()];
    const webhook = (id: string) =>
      changeFromWebhook(
        legacyEvent(
          'message.delivered',
          outgoingMessageObject({ id, status: 'delivered' }),
          '2026-11-20T10:00:03.000Z',
        ),
      );
    const imported = (id: string) =>
      changeFromApiMessage(
        apiMessage({
          ...outgoingMessageObject({ id, status: 'delivered' }),
          media: undefined,
          object: undefined,
          conversationId: undefined,
          updatedAt: '2026-11-20T10:00:02Z',
        }),
        conversationId,
      );

    await apply(webhook(first), imported(first));
    await apply(imported(second), webhook(second));

    const record = await recordOf(first);
    expect(withoutId(await recordOf(second))).toEqual(withoutId(record));
    expect(record).toMatchObject({
      kind: 'message',
      direction: 'outgoing',
      status: 'delivered',
      statusAt: '2026-11-20T10:00:03.000Z',
      text: 'Your order shipped',
      conversationId,
      contactNumbers: [contactNumber],
      sources: ['import', 'webhook'],
    });
  });

  it('a call webhook then its import, or the reverse, make one identical record', async () => {
    const [first, second] = [freshId(), freshId()];
    const webhook = (id: string) =>
      changeFromWebhook(
        legacyEvent('call.completed', completedCall({ id, media: [recording] }), '2026-11-20T11:04:06.000Z'),
      );
    const imported = (id: string) => changeFromApiCall(apiCall({ id }));

    await apply(webhook(first), imported(first));
    await apply(imported(second), webhook(second));

    const record = await recordOf(first);
    expect(withoutId(await recordOf(second))).toEqual(withoutId(record));
    expect(record).toMatchObject({
      kind: 'call',
      status: 'completed',
      from: contactNumber,
      to: [line.number],
      durationSeconds: 245,
      recordings: [recording],
      conversationId,
    });
  });
});

describe('out-of-order and repeated call events', () => {
  it.each(['summarised', 'transcribed'] as const)(
    'every order of ringing, completed, recorded and %s ends in the same record',
    async (intelligence) => {
      const reference = freshId();
      const natural = callEvents(reference);
      await apply(natural.ringing, natural.completed, natural.recorded, natural[intelligence]);
      const expected = withoutId(await recordOf(reference));
      expect(expected).toMatchObject({
        kind: 'voicemail',
        status: 'completed',
        statusAt: '2026-11-20T11:05:00.000Z',
        answeredAt: '2026-11-20T11:00:05.000Z',
        recordings: [recording],
        voicemail: { url: 'https://storage.openphone.example/vm.mp3', duration: 12 },
        ...(intelligence === 'summarised'
          ? { summary: ['The customer asked about delivery times.'], nextSteps: ['Send the tracking link.'] }
          : { transcript: expect.objectContaining({ duration: 240, status: 'completed' }) }),
      });

      const orders = permutations(['ringing', 'completed', 'recorded', intelligence] as const);
      expect(orders).toHaveLength(24);
      const finals = new Map<string, unknown>();
      await inBatches(orders, 8, async (order) => {
        const callId = freshId();
        const events = callEvents(callId);
        await apply(...order.map((name) => events[name]));
        finals.set(order.join(' → '), withoutId(await recordOf(callId)));
      });
      for (const [order, final] of finals) expect({ order, final }).toEqual({ order, final: expected });
    },
  );

  it('all five events, in any order and with repeats, end in the same record', async () => {
    const reference = freshId();
    const natural = callEvents(reference);
    await apply(
      natural.ringing,
      natural.completed,
      natural.recorded,
      natural.summarised,
      natural.transcribed,
    );
    const expected = withoutId(await recordOf(reference));
    const names = ['ringing', 'completed', 'recorded', 'summarised', 'transcribed'] as const;

    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...names], { minLength: names.length }),
        fc.array(fc.constantFrom(...names), { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (order, repeats, positions) => {
          const sequence: string[] = [...order];
          repeats.forEach((name, i) => sequence.splice((positions[i] ?? 0) % (sequence.length + 1), 0, name));
          const callId = freshId();
          const events = callEvents(callId);
          await apply(...sequence.map((name) => events[name as (typeof names)[number]]));
          expect(withoutId(await recordOf(callId))).toEqual(expected);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('a duplicate delivery is reported stale and leaves the record as it was', async () => {
    const id = freshId();
    const delivered = changeFromWebhook(
      legacyEvent(
        'message.delivered',
        outgoingMessageObject({ id, status: 'delivered' }),
        '2026-11-20T10:00:03.000Z',
      ),
    );
    const [first] = await apply(delivered);
    const before = await recordOf(id);
    const [again] = await apply(delivered);
    expect(first).toEqual({
      outcome: 'applied',
      appliedAspects: ['status'],
      staleAspects: [],
      listsEvent: false,
    });
    expect(again).toEqual({
      outcome: 'stale',
      appliedAspects: [],
      staleAspects: ['status'],
      listsEvent: false,
    });
    expect(await recordOf(id)).toEqual(before);
  });

  it('a webhook write lists its event on the record (not shown in it); a stale redelivery of it is listed already, a stale other event is listed by a write of no aspect', async () => {
    const id = freshId();
    const delivered = changeFromWebhook(
      legacyEvent(
        'message.delivered',
        outgoingMessageObject({ id, status: 'delivered' }),
        '2026-11-20T10:00:03.000Z',
      ),
    );
    const first = await activities.upsertActivity(delivered.update, delivered.eventTime, 'EVlisted1');
    const redelivered = await activities.upsertActivity(delivered.update, delivered.eventTime, 'EVlisted1');
    const other = await activities.upsertActivity(delivered.update, delivered.eventTime, 'EVnotlisted1');
    expect(first).toMatchObject({ outcome: 'applied', listsEvent: true });
    expect(redelivered).toMatchObject({ outcome: 'stale', listsEvent: true });
    expect(other).toMatchObject({ outcome: 'stale', listsEvent: true, appliedAspects: [] });
    expect(await recordOf(id)).not.toHaveProperty('eventIds');
    expect(await recordOf(id)).toMatchObject({ status: 'delivered' });
  });

  it('a summary that arrives first creates the call’s record and the call fills in the rest', async () => {
    const callId = freshId();
    const events = callEvents(callId);
    await apply(events.summarised);
    expect(await recordOf(callId)).toEqual({
      activityId: callId,
      kind: 'call',
      summary: ['The customer asked about delivery times.'],
      nextSteps: ['Send the tracking link.'],
      summaryStatus: 'completed',
      summaryAt: '2026-11-20T11:06:00.000Z',
      sources: ['webhook'],
    });
    await apply(events.ringing);
    expect(await recordOf(callId)).toMatchObject({
      status: 'ringing',
      from: contactNumber,
      summary: ['The customer asked about delivery times.'],
    });
  });
});

describe('message status never rolls back', () => {
  const at = (second: number) => `2026-11-20T10:00:${String(second).padStart(2, '0')}.000Z`;
  // message.queued is no event type: a queued status arrives on message.sent in this test.
  const status = (id: string, value: string, second: number) =>
    changeFromWebhook(
      legacyEvent(
        value === 'queued' ? 'message.sent' : `message.${value}`,
        outgoingMessageObject({ id, status: value }),
        at(second),
      ),
    );

  it('a late message.sent does not roll back a delivered status', async () => {
    const id = freshId();
    const results = await apply(status(id, 'delivered', 5), status(id, 'sent', 2));
    expect(results[1]?.outcome).toBe('stale');
    expect(await recordOf(id)).toMatchObject({ status: 'delivered', statusAt: at(5) });
  });

  it('a late message.delivered does not roll back a later outcome', async () => {
    const id = freshId();
    await apply(status(id, 'undelivered', 9), status(id, 'delivered', 5));
    expect(await recordOf(id)).toMatchObject({ status: 'undelivered', statusAt: at(9) });
  });

  it('a lower status never replaces a terminal one, even with a later time', async () => {
    const id = freshId();
    await apply(status(id, 'delivered', 5), status(id, 'queued', 8));
    expect(await recordOf(id)).toMatchObject({ status: 'delivered', statusAt: at(5) });
  });

  it('a later terminal outcome replaces an earlier one', async () => {
    const id = freshId();
    await apply(status(id, 'sent', 1), status(id, 'delivered', 5), status(id, 'undelivered', 9));
    expect(await recordOf(id)).toMatchObject({ status: 'undelivered', statusAt: at(9) });
  });
});

describe('timelines and conversations', () => {
  const messagesFor = async (number: string, conversation: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `ACtl${number.slice(-4)}${String(i).padStart(3, '0')}`;
      ids.push(id);
      const createdAt = new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString();
      await apply(
        changeFromWebhook(
          legacyEvent(
            'message.received',
            messageObject({
              id,
              from: number,
              conversationId: conversation,
              createdAt,
              text: `message ${i}`,
            }),
            createdAt,
          ),
        ),
      );
    }
    return ids;
  };

  it('pages a contact number’s timeline newest first with an opaque cursor', async () => {
    const number = '+15557770001';
    const ids = await messagesFor(number, 'CNtimeline1', 25);
    await messagesFor('+15557770002', 'CNtimeline2', 3);

    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await activities.timeline(number, { limit: 10, ...(cursor ? { cursor } : {}) });
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((a) => a.activityId));
      cursor = page.cursor;
    } while (cursor);

    expect(seen).toEqual([...ids].reverse());
    expect(pageSizes.slice(0, 3)).toEqual([10, 10, 5]);
  });

  it('lists a conversation’s activities newest first, and only its own', async () => {
    const ids = await messagesFor('+15557770003', 'CNtimeline3', 4);
    const page = await activities.conversationActivities('CNtimeline3');
    expect(page.items.map((a) => a.activityId)).toEqual([...ids].reverse());
    expect(page.items[0]).toMatchObject({ text: 'message 3', conversationId: 'CNtimeline3' });
    expect(page.cursor).toBeUndefined();
  });

  it('lists a group message in every recipient’s timeline', async () => {
    const [first, second] = ['+15557770005', '+15557770006'];
    const id = freshId();
    await apply(
      changeFromWebhook(
        legacyEvent(
          'message.delivered',
          outgoingMessageObject({ id, to: [second, first], status: 'delivered', text: 'Team update' }),
          '2026-11-20T10:00:03.000Z',
        ),
      ),
    );
    const [firstPage, secondPage] = [await activities.timeline(first), await activities.timeline(second)];
    expect(firstPage.items.map((a) => a.activityId)).toEqual([id]);
    expect(secondPage.items).toEqual(firstPage.items);
    expect(secondPage.items[0]).toMatchObject({
      text: 'Team update',
      status: 'delivered',
      sources: ['webhook'],
    });
  });

  it('reads a page in one Query and one BatchGetItem that brings no transcript or bookkeeping', async () => {
    const number = '+15557770007';
    const callId = freshId();
    const call = callEvents(callId, number);
    for (const change of [call.ringing, call.completed, call.recorded, call.summarised, call.transcribed])
      await activities.upsertActivity(change.update, change.eventTime, `EV${change.eventTime}`);
    const documents = localDocumentClient();
    const reads: { command: string; attributes: string[] }[] = [];
    documents.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const output = result.output as { Items?: object[]; Responses?: Record<string, object[]> };
        const items = output.Items ?? Object.values(output.Responses ?? {}).flat();
        reads.push({
          command: (context as { commandName?: string }).commandName ?? '',
          attributes: [...new Set(items.flatMap((item) => Object.keys(item)))],
        });
        return result;
      },
      { step: 'initialize', name: 'recordReads' },
    );
    const repository = new ActivityRepository(documents, crmTable);
    await repository.timeline(number); // the directory's names, read once a minute, not per page
    reads.length = 0;
    const page = await repository.timeline(number);

    expect(page.items).toEqual([
      expect.objectContaining({ activityId: callId, summary: expect.any(Array), status: 'completed' }),
    ]);
    expect(page.items[0]).not.toHaveProperty('transcript');
    expect(reads.map((r) => r.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    const [, batch] = reads;
    expect(batch!.attributes).toEqual(expect.arrayContaining(['activityId', 'summary', 'recordings']));
    for (const unread of ['transcript', 'eventIds', 'pk', 'sk', 'timelinePk', 'statusRank'])
      expect(batch!.attributes).not.toContain(unread);
  });

  it('refuses a cursor from another contact’s timeline', async () => {
    await messagesFor('+15557770004', 'CNtimeline4', 3);
    const page = await activities.timeline('+15557770004', { limit: 1 });
    await expect(activities.timeline('+15557770003', { cursor: page.cursor! })).rejects.toThrow(
      InvalidCursorError,
    );
  });
});
