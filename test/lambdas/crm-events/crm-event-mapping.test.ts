import { crmEventsOf, type Item } from '../../../lambdas/crm-events/domain/crm-event-mapping';
import { crmEventDetails, type CrmEvent } from '../../../lambdas/crm-events/domain/crm-event-schemas';

const noText = { includeText: false };
const withText = { includeText: true };

const call = (over: Item = {}): Item => ({
  pk: 'ACTIVITY#ACcall1',
  sk: 'ACTIVITY',
  entity: 'activity',
  activityId: 'ACcall1',
  kind: 'call',
  direction: 'incoming',
  from: '+15550001111',
  to: ['+15550002222'],
  contactNumbers: ['+15550001111'],
  conversationId: 'CN1',
  userId: 'US1',
  userName: 'Ada Lovelace',
  phoneNumberId: 'PN1',
  phoneNumberName: 'Sales',
  createdAt: '2026-11-30T10:00:00.000Z',
  status: 'completed',
  statusAt: '2026-11-30T10:05:00.000Z',
  statusRank: 3,
  sources: new Set(['webhook']),
  ...over,
});

const outgoingMessage = (over: Item = {}): Item => ({
  pk: 'ACTIVITY#ACmsg1',
  sk: 'ACTIVITY',
  entity: 'activity',
  activityId: 'ACmsg1',
  kind: 'message',
  direction: 'outgoing',
  from: '+15550002222',
  to: ['+15550001111'],
  contactNumbers: ['+15550001111'],
  createdAt: '2026-11-30T10:00:00.000Z',
  text: 'Your appointment is at 3pm',
  status: 'sent',
  statusAt: '2026-11-30T10:00:01.000Z',
  statusRank: 1,
  ...over,
});

const contact = (over: Item = {}): Item => ({
  pk: 'CONTACT#CT1',
  sk: 'CONTACT',
  entity: 'contact',
  contactId: 'CT1',
  firstName: 'Grace',
  lastName: 'Hopper',
  emails: [],
  phoneNumbers: [{ value: '+15550001111' }],
  customFields: [],
  deleted: false,
  updatedAt: '2026-11-30T09:00:00.000Z',
  versionAt: '2026-11-30T09:00:00.000Z',
  ...over,
});

const suppression = (over: Item = {}): Item => ({
  pk: 'NUMBER#+15550001111',
  sk: 'SUPPRESSION#opt-out',
  entity: 'suppression',
  phoneNumber: '+15550001111',
  reason: 'opt-out',
  active: true,
  changedAt: '2026-11-30T11:00:00.000Z',
  reference: 'ACstop1',
  ...over,
});

/** Every event a mapping makes is valid against its published schema. */
function valid(events: CrmEvent[]): CrmEvent[] {
  for (const event of events) crmEventDetails[event.detailType].parse(event.detail);
  return events;
}

describe('activity events', () => {
  it('a new activity is recorded, with its record id, people and no text', () => {
    // Answered: an unanswered inbound call is also call.missed (follow-up-events.test.ts).
    const answered = call({ answeredAt: '2026-11-30T10:00:04.000Z' });
    const [event, ...rest] = valid(crmEventsOf({ newImage: answered }, noText));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      detailType: 'activity.recorded',
      detail: {
        activityId: 'ACcall1',
        kind: 'call',
        userId: 'US1',
        userName: 'Ada Lovelace',
        phoneNumberId: 'PN1',
        phoneNumberName: 'Sales',
        occurredAt: '2026-11-30T10:00:00.000Z',
        changes: ['recorded', 'status'],
      },
    });
    expect(event!.detail).not.toHaveProperty('sources');
    expect(event!.detail).not.toHaveProperty('pk');
  });

  it('a summary that arrived before its call is announced with the call, not before', () => {
    const summaryFirst: Item = {
      entity: 'activity',
      activityId: 'ACcall1',
      kind: 'call',
      summary: ['Asked for a quote'],
      nextSteps: ['Send the quote'],
      summaryAt: '2026-11-30T10:06:00.000Z',
    };
    expect(crmEventsOf({ newImage: summaryFirst }, noText)).toEqual([]);
    const [event] = valid(
      crmEventsOf({ oldImage: summaryFirst, newImage: call({ ...summaryFirst, kind: 'call' }) }, noText),
    );
    expect(event).toMatchObject({
      detailType: 'activity.recorded',
      detail: { changes: ['recorded', 'status', 'summary'] },
    });
  });

  it.each([
    ['recordings', { recordings: [{ url: 'https://x/r.mp3' }], recordingsAt: '2026-11-30T10:06:00.000Z' }],
    ['summary', { summary: ['Quote'], nextSteps: [], summaryAt: '2026-11-30T10:07:00.000Z' }],
    [
      'transcript',
      { transcript: { dialogue: [{ content: 'hello' }] }, transcriptAt: '2026-11-30T10:08:00.000Z' },
    ],
    [
      'voicemail',
      { kind: 'voicemail', voicemail: { url: 'https://x/v.mp3' }, voicemailAt: '2026-11-30T10:09:00.000Z' },
    ],
  ])('%s arriving on a recorded call is an activity.updated naming it', (aspect, added) => {
    const events = valid(crmEventsOf({ oldImage: call(), newImage: call(added) }, noText));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ detailType: 'activity.updated', detail: { changes: [aspect] } });
    expect(events[0]!.detail.occurredAt).toBe(Object.entries(added).find(([k]) => k.endsWith('At'))![1]);
  });

  it("an outgoing message's status change is message.status-changed with the previous status", () => {
    const delivered = outgoingMessage({ status: 'delivered', statusAt: '2026-11-30T10:00:05.000Z' });
    const events = valid(crmEventsOf({ oldImage: outgoingMessage(), newImage: delivered }, noText));
    expect(events).toEqual([
      expect.objectContaining({
        detailType: 'message.status-changed',
        detail: expect.objectContaining({
          openPhoneMessageId: 'ACmsg1',
          status: 'delivered',
          previousStatus: 'sent',
          occurredAt: '2026-11-30T10:00:05.000Z',
          changes: ['status'],
        }),
      }),
    ]);
  });

  it('a call status change is an activity.updated, not a message event', () => {
    const ringing = call({ status: 'ringing', statusRank: 1 });
    const [event] = valid(crmEventsOf({ oldImage: ringing, newImage: call() }, noText));
    expect(event).toMatchObject({ detailType: 'activity.updated', detail: { changes: ['status'] } });
  });

  it.each([
    ['a source added', { sources: new Set(['webhook', 'import']) }],
    ['the same status at a later time', { statusAt: '2026-11-30T10:09:00.000Z' }],
    ['a recording archived to S3', { recordings: [{ url: 'https://x/r.mp3', archiveKey: 'media/r.mp3' }] }],
  ])('%s publishes nothing', (_what, changed) => {
    const before = call({
      recordings: [{ url: 'https://x/r.mp3' }],
      recordingsAt: '2026-11-30T10:06:00.000Z',
    });
    expect(crmEventsOf({ oldImage: before, newImage: { ...before, ...changed } }, noText)).toEqual([]);
  });

  it("a failed message's error code and a call's IVR choice travel with their events", () => {
    const failed = outgoingMessage({
      status: 'undelivered',
      statusAt: '2026-11-30T10:00:05.000Z',
      statusRank: 2,
      lastDeliveryError: { code: '30006', terminal: true },
    });
    const [status] = valid(crmEventsOf({ oldImage: outgoingMessage(), newImage: failed }, noText));
    expect(status?.detail).toMatchObject({
      status: 'undelivered',
      deliveryError: { code: '30006', terminal: true },
    });

    const chose = call({
      menuSelection: { choice: '2', label: 'Sales' },
      menuSelectionAt: '2026-11-30T10:00:10.000Z',
    });
    const [updated] = valid(crmEventsOf({ oldImage: call(), newImage: chose }, noText));
    expect(updated).toMatchObject({
      detailType: 'activity.updated',
      detail: { menuSelection: { choice: '2', label: 'Sales' }, changes: ['menuSelection'] },
    });
  });

  it('a task is recorded, then updated as it changes; its title is text', () => {
    const task = (over: Item = {}): Item => ({
      pk: 'ACTIVITY#TK1',
      sk: 'ACTIVITY',
      entity: 'activity',
      activityId: 'TK1',
      kind: 'task',
      conversationId: 'CN1',
      createdAt: '2026-11-30T10:00:00.000Z',
      status: 'open',
      statusAt: '2026-11-30T10:00:00.000Z',
      taskDetails: { title: 'Call back', dueDate: '2026-12-01T17:00:00.000Z', assignedTo: 'US1' },
      taskDetailsAt: '2026-11-30T10:00:00.000Z',
      taskChange: { type: 'task.created', needsFetch: false },
      taskChangeAt: '2026-11-30T10:00:00.000Z',
      ...over,
    });
    const [recorded] = valid(crmEventsOf({ newImage: task() }, noText));
    expect(recorded).toMatchObject({
      detailType: 'activity.recorded',
      detail: {
        activityId: 'TK1',
        kind: 'task',
        status: 'open',
        task: {
          dueDate: '2026-12-01T17:00:00.000Z',
          assignedTo: 'US1',
          lastChange: 'task.created',
          needsFetch: false,
        },
        changes: ['recorded', 'status', 'taskDetails', 'taskChange'],
      },
    });
    expect(recorded!.detail).not.toHaveProperty('taskTitle');
    expect(valid(crmEventsOf({ newImage: task() }, withText))[0]!.detail).toMatchObject({
      taskTitle: 'Call back',
    });

    const completed = task({
      status: 'completed',
      statusAt: '2026-11-30T11:00:00.000Z',
      taskChange: { type: 'task.completed', needsFetch: true },
      taskChangeAt: '2026-11-30T11:00:00.000Z',
    });
    const [updated] = valid(crmEventsOf({ oldImage: task(), newImage: completed }, noText));
    expect(updated).toMatchObject({
      detailType: 'activity.updated',
      detail: { status: 'completed', task: { needsFetch: true }, changes: ['status', 'taskChange'] },
    });
  });

  it('leaves text, summaries and transcripts out unless the stage allows them', () => {
    const full = call({
      summary: ['Quote'],
      nextSteps: ['Send it'],
      transcript: { dialogue: [{ content: 'my card is 4111' }] },
      voicemail: { url: 'https://x/v.mp3', transcript: 'call me back' },
    });
    const message = outgoingMessage();
    const without = [
      ...crmEventsOf({ newImage: full }, noText),
      ...crmEventsOf({ newImage: message }, noText),
    ];
    for (const { detail } of without) {
      for (const field of ['text', 'summary', 'nextSteps', 'transcript', 'voicemailTranscript'])
        expect(detail).not.toHaveProperty(field);
    }
    expect(JSON.stringify(without)).not.toMatch(/4111|appointment|call me back|Quote/);

    const [call1] = valid(crmEventsOf({ newImage: full }, withText));
    const [message1] = valid(crmEventsOf({ newImage: message }, withText));
    expect(call1!.detail).toMatchObject({
      summary: ['Quote'],
      nextSteps: ['Send it'],
      transcript: [{ content: 'my card is 4111' }],
      voicemailTranscript: 'call me back',
    });
    expect(message1!.detail).toMatchObject({ text: 'Your appointment is at 3pm' });
  });

  it('drops the text, and says so, when it would make the event too large for EventBridge', () => {
    const long = call({ transcript: { dialogue: [{ content: 'x'.repeat(300_000) }] } });
    const [event] = valid(crmEventsOf({ newImage: long }, withText));
    expect(event!.detail).toMatchObject({ textOmitted: 'too-large', activityId: 'ACcall1' });
    expect(event!.detail).not.toHaveProperty('transcript');
  });
});

describe('event ids', () => {
  it('are the same when the same change is replayed, and differ between changes', () => {
    const change = { oldImage: outgoingMessage(), newImage: outgoingMessage({ status: 'delivered' }) };
    const first = crmEventsOf(change, noText);
    const replay = crmEventsOf(structuredClone(change), noText);
    expect(replay[0]!.detail.eventId).toBe(first[0]!.detail.eventId);
    const failed = crmEventsOf({ ...change, newImage: outgoingMessage({ status: 'failed' }) }, noText);
    expect(failed[0]!.detail.eventId).not.toBe(first[0]!.detail.eventId);
  });

  it('do not depend on key order or on the text setting', () => {
    const item = call();
    const reordered = Object.fromEntries(Object.entries(item).reverse());
    expect(crmEventsOf({ newImage: reordered }, withText)[0]!.detail.eventId).toBe(
      crmEventsOf({ newImage: item }, noText)[0]!.detail.eventId,
    );
  });
});

describe('contact events', () => {
  it('created, updated (naming the fields) and deleted', () => {
    const [created] = valid(crmEventsOf({ newImage: contact() }, noText));
    expect(created).toMatchObject({
      detailType: 'contact.changed',
      detail: { contactId: 'CT1', change: 'created', changes: ['created'], contact: { firstName: 'Grace' } },
    });
    const renamed = contact({ lastName: 'Brewster', updatedAt: '2026-11-30T09:30:00.000Z' });
    const [updated] = valid(crmEventsOf({ oldImage: contact(), newImage: renamed }, noText));
    expect(updated!.detail).toMatchObject({ change: 'updated', changes: ['lastName', 'updatedAt'] });
    const gone = contact({
      deleted: true,
      deletedAt: '2026-11-30T12:00:00.000Z',
      versionAt: '2026-11-30T12:00:00.000Z',
    });
    const [deleted] = valid(crmEventsOf({ oldImage: contact(), newImage: gone }, noText));
    expect(deleted!.detail).toMatchObject({ change: 'deleted', occurredAt: '2026-11-30T12:00:00.000Z' });
  });

  it('a deletion of a contact never seen before is a deletion', () => {
    const gone = contact({ deleted: true, deletedAt: '2026-11-30T12:00:00.000Z' });
    const [event] = valid(crmEventsOf({ newImage: gone }, noText));
    expect(event!.detail).toMatchObject({ change: 'deleted', changes: ['deleted'] });
  });

  it('a rewrite with the same fields publishes nothing', () => {
    expect(crmEventsOf({ oldImage: contact(), newImage: contact() }, noText)).toEqual([]);
  });
});

describe('consent events', () => {
  it('an opt-out added and lifted', () => {
    const [added] = valid(crmEventsOf({ newImage: suppression() }, noText));
    expect(added).toMatchObject({
      detailType: 'consent.changed',
      detail: { phoneNumber: '+15550001111', reason: 'opt-out', action: 'added', suppressed: true },
    });
    const lifted = suppression({
      active: false,
      changedAt: '2026-11-30T12:00:00.000Z',
      reference: 'ACstart1',
    });
    const [event] = valid(crmEventsOf({ oldImage: suppression(), newImage: lifted }, noText));
    expect(event!.detail).toMatchObject({ action: 'lifted', suppressed: false, reference: 'ACstart1' });
  });

  it('a second STOP for an opted-out number changes nothing and publishes nothing', () => {
    const again = suppression({ changedAt: '2026-11-30T13:00:00.000Z', reference: 'ACstop2' });
    expect(crmEventsOf({ oldImage: suppression(), newImage: again }, noText)).toEqual([]);
  });

  it('audit entries and other items publish nothing', () => {
    expect(crmEventsOf({ newImage: { entity: 'suppression-audit', phoneNumber: '+1555' } }, noText)).toEqual(
      [],
    );
    expect(crmEventsOf({ newImage: { entity: 'timeline-entry', activityId: 'AC1' } }, noText)).toEqual([]);
    expect(crmEventsOf({ oldImage: call() }, noText)).toEqual([]);
  });
});

describe('campaign events', () => {
  const campaign = (status: string, over: Item = {}): Item => ({
    entity: 'campaign',
    campaignId: 'spring',
    definition: { name: 'Spring sale' },
    state: { status },
    stateChangedAt: '2026-11-30T14:00:00.000Z',
    ...over,
  });

  it('completed once, when the status becomes completed', () => {
    const [event] = valid(
      crmEventsOf({ oldImage: campaign('running'), newImage: campaign('completed') }, noText),
    );
    expect(event).toMatchObject({
      detailType: 'campaign.completed',
      detail: { campaignId: 'spring', name: 'Spring sale', occurredAt: '2026-11-30T14:00:00.000Z' },
    });
    expect(crmEventsOf({ oldImage: campaign('completed'), newImage: campaign('completed') }, noText)).toEqual(
      [],
    );
    expect(crmEventsOf({ oldImage: campaign('draft'), newImage: campaign('running') }, noText)).toEqual([]);
  });
});

describe('erasure events', () => {
  const erasedAt = '2026-12-01T09:00:00.000Z';
  const auditEntry: Item = {
    pk: 'NUMBER#+15550001111',
    sk: `ERASURE#${erasedAt}`,
    entity: 'erasure-audit',
    phoneNumber: '+15550001111',
    erased: { activities: 2, media: 1, contacts: 1, apiMessages: 1, eventPayloads: 4, campaignRecipients: 1 },
    erasedAt,
    requestedBy: 'api:arn:aws:iam::1:role/crm',
  };
  const tombstone: Item = {
    pk: 'ACTIVITY#ACmsg1',
    sk: 'ACTIVITY',
    entity: 'erased-activity',
    activityId: 'ACmsg1',
    erasedAt,
  };

  it("an erase's audit entry is contact.erased with the number, the counts per store and the time, not who asked", () => {
    const [event, ...more] = valid(crmEventsOf({ newImage: auditEntry }, noText));
    expect(more).toEqual([]);
    expect(event).toEqual({
      detailType: 'contact.erased',
      detail: {
        eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
        occurredAt: erasedAt,
        phoneNumber: '+15550001111',
        erased: auditEntry.erased,
        changes: ['erased'],
      },
    });
  });

  it('an audit entry from before every store was counted reads 0 for the stores it lacks', () => {
    const [event] = valid(
      crmEventsOf({ newImage: { ...auditEntry, erased: { activities: 1, media: 0, contacts: 0 } } }, noText),
    );
    expect(event!.detail).toMatchObject({
      erased: { activities: 1, apiMessages: 0, eventPayloads: 0, campaignRecipients: 0 },
    });
  });

  it('an activity replaced by its tombstone is activity.erased, once', () => {
    const events = valid(crmEventsOf({ oldImage: outgoingMessage(), newImage: tombstone }, noText));
    expect(events).toEqual([
      {
        detailType: 'activity.erased',
        detail: {
          eventId: expect.any(String),
          occurredAt: erasedAt,
          activityId: 'ACmsg1',
          changes: ['erased'],
        },
      },
    ]);
    expect(crmEventsOf({ oldImage: tombstone, newImage: { ...tombstone } }, noText)).toEqual([]);
  });

  it('the same erase replayed has the same ids', () => {
    const first = crmEventsOf({ newImage: auditEntry }, noText);
    expect(crmEventsOf({ newImage: { ...auditEntry } }, noText)).toEqual(first);
  });
});
