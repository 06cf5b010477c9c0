import { activityChangeFromWebhook } from '../../../lambdas/crm/domain/activity-mapping';
import type { ActivityMapping } from '../../../lambdas/crm/domain/activity';
import {
  bothEnvelopes,
  callId,
  callObject,
  contactNumber,
  conversationId,
  line,
  outgoingMessageObject,
  quoEventOf,
  taskId,
  taskObject,
  userId,
  voicemailResource,
} from '../../support/openphone-payloads';
import { parsed } from '../../support/webhook-parsing';

const at = '2026-11-20T11:01:00.000Z';
const changeOf = (body: unknown): ActivityMapping => activityChangeFromWebhook(parsed(body), at);
const updateOf = (body: unknown) => {
  const mapped = changeOf(body);
  if (!mapped.ok) throw new Error(`expected a change, got ${mapped.reason}`);
  return mapped.change.update;
};

/** A new-envelope call event as Quo's payload page lists it: its resource, the parties in context. */
const participants = {
  participants: {
    workspace: [{ phoneNumber: line.number, phoneNumberId: line.id, userId }],
    external: [{ phoneNumber: contactNumber }],
    resolution: 'available',
  },
  phoneNumber: { id: line.id, number: line.number },
  conversation: { id: conversationId },
};
const quoCall = (type: string, resource: Record<string, unknown>) => ({
  id: `EV${type.replace(/\./g, '')}`,
  apiVersion: '2026-03-30',
  createdAt: at,
  type,
  data: { resource, context: participants, links: { quo: null } },
});

describe('the call lifecycle of the new webhooks, on the call record', () => {
  it('call.missed (a resource of only id and times) is an incoming missed call from the external participant', () => {
    const update = updateOf(
      quoCall('call.missed', { id: callId, createdAt: '2026-11-20T11:00:00.000Z', updatedAt: at }),
    );
    expect(update).toMatchObject({
      activityId: callId,
      facts: { kind: 'call', direction: 'incoming', from: contactNumber, contactNumbers: [contactNumber] },
      aspects: { status: 'missed' },
    });
  });

  it('call.answered records who answered and when', () => {
    const update = updateOf(
      quoCall('call.answered', {
        id: callId,
        direction: 'incoming',
        answeredByUserId: 'USanswer',
        createdAt: at,
      }),
    );
    expect(update.facts).toMatchObject({ answeredBy: 'USanswer', answeredAt: at, userId: 'USanswer' });
    expect(update.aspects.status).toBe('answered');
  });

  it('call.forwarded records where the call went', () => {
    const update = updateOf(
      quoCall('call.forwarded', { id: callId, forwardedTo: '+15550009999', createdAt: at }),
    );
    expect(update.facts).toMatchObject({ direction: 'incoming', forwardedTo: '+15550009999' });
    expect(update.aspects.status).toBe('forwarded');
  });

  it.each(bothEnvelopes)('call.answered from a %s delivery says the same', (_name, deliver) => {
    const update = updateOf(deliver('call.answered', callObject({ status: 'answered', answeredAt: at }), at));
    expect(update.aspects.status).toBe('answered');
    expect(update.facts.contactNumbers).toEqual([contactNumber]);
  });

  it("call.menu.selected keeps the caller's IVR choice on the call", () => {
    const update = updateOf(
      quoCall('call.menu.selected', { id: 'MSsel0001', callId, option: '2', label: 'Sales', createdAt: at }),
    );
    expect(update).toMatchObject({
      activityId: callId,
      aspects: { menuSelection: { choice: '2', label: 'Sales' } },
    });
  });

  it('call.menu.selected without a choice fails, naming what is missing', () => {
    expect(changeOf(quoCall('call.menu.selected', { callId }))).toEqual({
      ok: false,
      reason: 'missing-menu-choice',
    });
  });
});

describe('call.voicemail.completed', () => {
  it('attaches the voicemail, transcript kept, to its call by resource.callId', () => {
    const update = updateOf(quoCall('call.voicemail.completed', voicemailResource()));
    expect(update.activityId).toBe(callId);
    expect(update.aspects.voicemail).toEqual({
      url: 'https://storage.openphone.example/vm1.mp3',
      duration: 21,
      transcript: 'Hi, it is Ada, please call me back about the desk.',
    });
    // The call's own creation time orders it on the timeline, not the voicemail's.
    expect(update.facts).not.toHaveProperty('createdAt');
    expect(update.facts.contactNumbers).toEqual([contactNumber]);
  });

  it('a voicemail with no call (callId null) is a voicemail activity of its own', () => {
    const update = updateOf(quoCall('call.voicemail.completed', voicemailResource({ callId: null })));
    expect(update.activityId).toBe('VMvoice0001');
    expect(update.facts).toMatchObject({
      createdAt: '2026-11-20T11:00:40.000Z',
      contactNumbers: [contactNumber],
    });
  });

  it('a voicemail without its recording URL fails rather than recording nothing', () => {
    expect(changeOf(quoCall('call.voicemail.completed', voicemailResource({ recordingUrl: null })))).toEqual({
      ok: false,
      reason: 'missing-recording-url',
    });
  });
});

describe('message.failed and message.undelivered', () => {
  it.each(bothEnvelopes)(
    'keep their error codes from a %s delivery: failed retryable, undelivered terminal',
    (_n, deliver) => {
      const failed = updateOf(
        deliver('message.failed', outgoingMessageObject({ status: 'failed', errorCode: 30003 }), at),
      );
      expect(failed.aspects.status).toBe('failed');
      expect(failed.deliveryError).toEqual({ code: '30003', terminal: false });
      const undelivered = updateOf(
        deliver(
          'message.undelivered',
          outgoingMessageObject({ status: 'undelivered', errorCode: '30006' }),
          at,
        ),
      );
      expect(undelivered.deliveryError).toEqual({ code: '30006', terminal: true });
    },
  );
});

describe('task events', () => {
  it('task.created with the whole task makes the task record on its conversation', () => {
    const update = updateOf(quoEventOf('task.created', taskObject(), at));
    expect(update).toMatchObject({
      activityId: taskId,
      facts: { kind: 'task', conversationId, createdAt: '2026-11-20T10:10:00.000Z', userId },
      aspects: {
        status: 'open',
        taskDetails: {
          title: 'Call back about the walnut desk',
          dueDate: '2026-11-21T17:00:00.000Z',
          assignedTo: userId,
        },
        taskChange: { type: 'task.created', needsFetch: false, conversationId },
      },
    });
  });

  it.each([
    ['task.completed', 'completed'],
    ['task.reopened', 'open'],
    ['task.deleted', 'deleted'],
    ['task.overdue', 'overdue'],
  ])('%s carrying only the task id records its state and marks the record for a fetch', (type, state) => {
    const update = updateOf(quoEventOf(type, { id: taskId }, at, { context: { actor: { id: 'USactor' } } }));
    expect(update.aspects).toEqual({
      status: state,
      taskChange: { type, needsFetch: true, actorUserId: 'USactor' },
    });
    expect(update.facts).toMatchObject({ kind: 'task', createdAt: at });
  });

  it.each([
    'task.updated',
    'task.assigned',
    'task.unassigned',
    'task.linked',
    'task.unlinked',
    'task.duedate.updated',
    'task.duedate.removed',
  ])('%s records what it carries and no state it does not', (type) => {
    const update = updateOf(
      quoEventOf(type, { id: taskId, assignedTo: 'USnew', dueDate: '2026-11-25T09:00:00Z' }, at, {
        context: { conversation: { id: 'CNlinked' } },
      }),
    );
    expect(update.aspects.status).toBeUndefined();
    expect(update.aspects.taskChange).toMatchObject({ type, needsFetch: true, conversationId: 'CNlinked' });
    expect(update.aspects.taskChange?.assignedTo).toBe(type === 'task.unassigned' ? undefined : 'USnew');
    expect(update.aspects.taskChange?.dueDate).toBe(
      type === 'task.duedate.removed' ? undefined : '2026-11-25T09:00:00.000Z',
    );
  });
});
