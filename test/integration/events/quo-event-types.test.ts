import type { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import type { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { processorsOnLocalTables } from '../../support/delivery-processing';
import {
  completedCall,
  contactNumber,
  line,
  outgoingMessageObject,
  quoEventOf,
  taskObject,
  userId,
  voicemailResource,
} from '../../support/openphone-payloads';

jest.setTimeout(60_000);

/** Quo's 2026 event types through the real processors on DynamoDB Local. */
let activities: ActivityRepository;
let events: EventRepository;
let processDelivery: Awaited<ReturnType<typeof processorsOnLocalTables>>['processDelivery'];

beforeAll(async () => {
  ({ activities, events, processDelivery } = await processorsOnLocalTables());
}, 120_000);

let next = 0;
const fresh = (prefix: string) => `${prefix}qt${++next}`;
const t = (minute: number) => `2026-11-20T11:${String(minute).padStart(2, '0')}:00.000Z`;

const participants = (them: string) => ({
  participants: {
    workspace: [{ phoneNumber: line.number, phoneNumberId: line.id, userId }],
    external: [{ phoneNumber: them }],
    resolution: 'available',
  },
});
const quoCall = (type: string, resource: Record<string, unknown>, createdAt: string, them = contactNumber) =>
  quoEventOf(type, {}, createdAt, { id: fresh('EV'), resource, context: participants(them) });

describe('a voicemail and its call', () => {
  it.each([
    ['voicemail first', true],
    ['call.completed first', false],
  ])(
    '%s: one voicemail activity, transcript kept, on the caller’s timeline',
    async (_order, voicemailFirst) => {
      const callId = fresh('ACvm');
      const them = `+1555880${String(++next).padStart(4, '0')}`;
      const voicemail = quoCall(
        'call.voicemail.completed',
        voicemailResource({ callId, from: them }),
        t(2),
        them,
      );
      const completed = quoEventOf(
        'call.completed',
        completedCall({ id: callId, from: them, status: 'unanswered', answeredAt: null }),
        t(1),
        { id: fresh('EV') },
      );
      for (const body of voicemailFirst ? [voicemail, completed] : [completed, voicemail])
        expect(await processDelivery(body)).toMatchObject({ status: 'processed' });

      const record = await activities.getActivity(callId);
      expect(record).toMatchObject({
        kind: 'voicemail',
        status: 'unanswered',
        from: them,
        createdAt: '2026-11-20T11:00:00.000Z',
        voicemail: {
          url: 'https://storage.openphone.example/vm1.mp3',
          transcript: expect.stringMatching(/call me back/),
        },
      });
      expect((await activities.timeline(them)).items.map((a) => a.activityId)).toEqual([callId]);
    },
  );
});

describe('the call lifecycle on the call record', () => {
  it('ringing, answered, a menu choice, then completed: one record, the latest state, the choice kept', async () => {
    const callId = fresh('AClife');
    const resource = { id: callId, direction: 'incoming', createdAt: t(0) };
    await processDelivery(quoCall('call.ringing', { ...resource, status: 'ringing' }, t(0)));
    await processDelivery(quoCall('call.menu.selected', { callId, option: '1', label: 'Support' }, t(0)));
    await processDelivery(quoCall('call.answered', { ...resource, answeredByUserId: 'USanswer' }, t(1)));
    await processDelivery(
      quoCall('call.completed', { ...resource, status: 'answered', completedAt: t(5) }, t(5)),
    );
    // A late `call.answered` (older) does not roll the completed call back.
    await processDelivery(quoCall('call.answered', { ...resource, answeredByUserId: 'USanswer' }, t(1)));

    expect(await activities.getActivity(callId)).toMatchObject({
      kind: 'call',
      from: contactNumber,
      answeredBy: 'USanswer',
      answeredAt: t(1),
      menuSelection: { choice: '1', label: 'Support' },
      status: 'answered',
      statusAt: t(5),
    });
  });

  it('a missed call and a forwarded call are recorded with their status', async () => {
    const missed = fresh('ACmiss');
    const forwarded = fresh('ACfwd');
    await processDelivery(quoCall('call.missed', { id: missed, createdAt: t(0), updatedAt: t(1) }, t(1)));
    await processDelivery(
      quoCall('call.forwarded', { id: forwarded, forwardedTo: '+15550009999', createdAt: t(0) }, t(1)),
    );
    expect(await activities.getActivity(missed)).toMatchObject({ status: 'missed', direction: 'incoming' });
    expect(await activities.getActivity(forwarded)).toMatchObject({
      status: 'forwarded',
      forwardedTo: '+15550009999',
    });
  });

  it('a call event whose participants could not be resolved is failed with its reason and writes nothing', async () => {
    const callId = fresh('ACunres');
    const body = quoEventOf('call.missed', {}, t(1), {
      id: fresh('EV'),
      resource: { id: callId, createdAt: t(0) },
      context: { participants: { workspace: [], external: [], resolution: 'unavailable' } },
    });
    expect(await processDelivery(body)).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/^data\.context\.participants\.resolution: unavailable/),
    });
    expect(await activities.getActivity(callId)).toBeUndefined();
  });
});

describe('message.failed and message.undelivered', () => {
  it('keep the error code on the message; a later delivery wins the status', async () => {
    const id = fresh('ACfail');
    const message = (status: string, extra: Record<string, unknown> = {}) =>
      outgoingMessageObject({ id, status, createdAt: t(0), ...extra });
    await processDelivery(quoEventOf('message.failed', message('failed', { errorCode: 30003 }), t(1)));
    expect(await activities.getActivity(id)).toMatchObject({
      status: 'failed',
      lastDeliveryError: { code: '30003', terminal: false },
    });
    await processDelivery(
      quoEventOf('message.undelivered', message('undelivered', { errorCode: '30006' }), t(2)),
    );
    expect(await activities.getActivity(id)).toMatchObject({
      status: 'undelivered',
      lastDeliveryError: { code: '30006', terminal: true },
    });
  });
});

describe('tasks', () => {
  it('a task record on its conversation: created whole, completed by id, a late older reopen changes nothing', async () => {
    const taskId = fresh('TK');
    const conversationId = fresh('CNtask');
    await processDelivery(
      quoEventOf('task.created', taskObject({ taskId, conversationId, createdAt: t(0) }), t(0)),
    );
    await processDelivery(
      quoEventOf('task.completed', { id: taskId }, t(5), { context: { actor: { id: 'USdone' } } }),
    );
    await processDelivery(quoEventOf('task.reopened', { id: taskId }, t(3)));

    const record = await activities.getActivity(taskId);
    expect(record).toMatchObject({
      kind: 'task',
      status: 'completed',
      conversationId,
      taskDetails: { title: 'Call back about the walnut desk', assignedTo: userId },
      taskChange: { type: 'task.completed', needsFetch: true, actorUserId: 'USdone' },
    });
    const conversation = await activities.conversationActivities(conversationId);
    expect(conversation.items.map((a) => [a.activityId, a.kind])).toEqual([[taskId, 'task']]);
  });

  it('a deleted task stays deleted whatever comes after', async () => {
    const taskId = fresh('TK');
    await processDelivery(quoEventOf('task.deleted', { id: taskId }, t(2)));
    await processDelivery(quoEventOf('task.reopened', { id: taskId }, t(4)));
    expect(await activities.getActivity(taskId)).toMatchObject({ status: 'deleted' });
  });

  it('every task.* type is processed from an id-only delivery', async () => {
    const taskId = fresh('TK');
    const types = [
      'task.created',
      'task.updated',
      'task.completed',
      'task.reopened',
      'task.assigned',
      'task.unassigned',
      'task.overdue',
      'task.linked',
      'task.unlinked',
      'task.duedate.updated',
      'task.duedate.removed',
      'task.deleted',
    ];
    for (const [i, type] of types.entries())
      expect(await processDelivery(quoEventOf(type, { id: taskId }, t(i + 1)))).toMatchObject({
        status: 'processed',
      });
    expect(await activities.getActivity(taskId)).toMatchObject({
      status: 'deleted',
      taskChange: { type: 'task.deleted', needsFetch: true },
    });
    expect(await events.countEvents('failed', 'tasks')).toBe(0);
  });
});
