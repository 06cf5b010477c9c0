import {
  attemptOf,
  belongsToFamily,
  planEventProcessing,
  planStoredEvent,
  processingLogLine,
  readQueueMessage,
  redactQuotedText,
} from '../../../lambdas/events/domain/event-processing';
import { processorEnvironmentShape } from '../../../lambdas/events/environment';
import { readEnvironment } from '../../../lambdas/shared/environment';
import {
  callObject,
  completedCall,
  contactNumber,
  contactObject,
  legacyEvent,
  messageObject,
  outgoingMessageObject,
  summaryObject,
} from '../../support/openphone-payloads';

const receivedAt = '2026-11-20T12:00:00.000Z';
const body = (type: string, object: Record<string, unknown>, createdAt = '2026-11-20T10:00:01.000Z') =>
  JSON.stringify(legacyEvent(type, object, createdAt));

describe('planEventProcessing', () => {
  it('maps a received message to an activity change with no consent and no delivery outcome', () => {
    const plan = planEventProcessing(body('message.received', messageObject()), 'messages', receivedAt);
    expect(plan).toMatchObject({
      kind: 'activity',
      change: { update: { activityId: 'ACmsg0001', facts: { kind: 'message', direction: 'incoming' } } },
      deliveryOutcomes: [],
    });
    expect(plan).not.toHaveProperty('consent');
  });

  it('turns an incoming STOP into an opt-out of its sender', () => {
    const plan = planEventProcessing(
      body('message.received', messageObject({ text: '  stop ' })),
      'messages',
      receivedAt,
    );
    expect(plan).toMatchObject({
      kind: 'activity',
      consent: { keyword: 'opt-out', phoneNumber: contactNumber },
    });
  });

  it('reports a failed outgoing message as a delivery failure per recipient', () => {
    const plan = planEventProcessing(
      body('message.delivered', outgoingMessageObject({ status: 'undelivered' })),
      'messages',
      receivedAt,
    );
    expect(plan).toMatchObject({
      kind: 'activity',
      deliveryOutcomes: [{ phoneNumber: contactNumber, outcome: 'failed', messageId: 'ACmsgout001' }],
    });
  });

  it('maps calls and call intelligence to activities, contacts to contact changes', () => {
    expect(planEventProcessing(body('call.ringing', callObject()), 'calls', receivedAt).kind).toBe(
      'activity',
    );
    expect(
      planEventProcessing(body('call.summary.completed', summaryObject()), 'call-intelligence', receivedAt)
        .kind,
    ).toBe('activity');
    expect(
      planEventProcessing(body('contact.updated', contactObject()), 'contacts', receivedAt),
    ).toMatchObject({
      kind: 'contact',
      change: { kind: 'upsert', contact: { contactId: 'CTcontact01' } },
    });
    expect(
      planEventProcessing(body('contact.deleted', contactObject()), 'contacts', receivedAt),
    ).toMatchObject({
      kind: 'contact',
      change: { kind: 'delete', contactId: 'CTcontact01' },
    });
  });

  it('rejects an event routed to another family rather than writing it with the wrong processor', () => {
    expect(planEventProcessing(body('call.completed', completedCall()), 'messages', receivedAt)).toEqual({
      kind: 'rejected',
      reason: 'type: call.completed is not a messages event',
    });
  });

  it('rejects a stored event of another family before reading its payload', () => {
    const stored = { family: 'calls' as const, type: 'call.completed', receivedAt, payload: 'not even JSON' };
    expect(planStoredEvent(stored, 'messages')).toEqual({
      kind: 'rejected',
      reason: 'family: a calls event on the messages queue',
    });
  });

  it('routes a stored event recorded without a family by its stored type, and only to that family', () => {
    const stored = { type: 'call.completed', receivedAt, payload: body('call.completed', completedCall()) };
    expect(planStoredEvent(stored, 'calls')).toMatchObject({ kind: 'activity' });
    expect(planStoredEvent({ ...stored, type: 'call.transferred' }, 'calls')).toEqual({
      kind: 'rejected',
      reason: 'family: a unrouted event on the calls queue',
    });
    expect(planStoredEvent(stored, 'messages')).toMatchObject({ kind: 'rejected' });
  });

  it('rejects a payload that fails validation, naming the path', () => {
    const plan = planEventProcessing(
      body('message.received', messageObject({ createdAt: 'yesterday-ish' })),
      'messages',
      receivedAt,
    );
    expect(plan).toEqual({ kind: 'rejected', reason: expect.stringMatching(/^data\.object\.createdAt: /) });
  });

  it('rejects an activity without an id', () => {
    expect(
      planEventProcessing(body('message.received', messageObject({ id: '' })), 'messages', receivedAt),
    ).toEqual({
      kind: 'rejected',
      reason: 'activity: missing-object-id',
    });
  });

  it('rejects a body that is not JSON without repeating the body in the reason', () => {
    const plan = planEventProcessing('{"text": "my secret message', 'messages', receivedAt);
    expect(plan.kind).toBe('rejected');
    expect(JSON.stringify(plan)).not.toContain('secret');
  });
});

describe('queue messages and attempts', () => {
  it('reads a dispatcher message and refuses anything else with a reason', () => {
    const message = { eventId: 'EV1', type: 'message.received', family: 'messages', receivedAt };
    expect(readQueueMessage(JSON.stringify(message))).toEqual({ ok: true, message });
    expect(readQueueMessage('not json')).toEqual({ ok: false, reason: 'queue message: not JSON' });
    expect(readQueueMessage(JSON.stringify({ eventId: 'EV1' }))).toEqual({
      ok: false,
      reason: expect.stringContaining('family'),
    });
  });

  it('counts attempts from ApproximateReceiveCount, 1 when unreadable', () => {
    expect(attemptOf('3')).toBe(3);
    expect(attemptOf(undefined)).toBe(1);
    expect(attemptOf('x')).toBe(1);
  });

  it('knows which family each type belongs to', () => {
    expect(belongsToFamily('message.delivered', 'messages')).toBe(true);
    expect(belongsToFamily('call.transcript.completed', 'calls')).toBe(false);
  });
});

describe('the operator line', () => {
  const message = { type: 'message.received', eventId: 'EV1' };
  it('says processed, failed with the reason, or retrying with the attempt', () => {
    expect(processingLogLine('messages', message, { status: 'processed' })).toBe(
      '[messages] message.received EV1 → processed',
    );
    expect(
      processingLogLine('messages', message, { status: 'failed', reason: 'activity: missing-object-id' }),
    ).toBe('[messages] message.received EV1 → failed: activity: missing-object-id');
    expect(
      processingLogLine('messages', message, { status: 'retrying', reason: 'transient: X', attempts: 2 }),
    ).toBe('[messages] message.received EV1 → failed: transient: X (attempt 2, retrying)');
  });

  it('redacts quoted fragments from reasons', () => {
    expect(redactQuotedText('Unexpected token, "call me at +15551234567" is not valid JSON')).toBe(
      'Unexpected token, "…" is not valid JSON',
    );
  });
});

describe('consent settings of the processor', () => {
  const base = {
    EVENT_FAMILY: 'messages',
    EVENTS_TABLE_NAME: 'events',
    CRM_TABLE_NAME: 'crm-table',
    MEDIA_ARCHIVE_QUEUE_URL: 'https://queue',
  };

  it('default to a 24-hour YES window and no extra opt-in words', () => {
    const env = readEnvironment(processorEnvironmentShape, base);
    expect(env.CONSENT_YES_WINDOW_HOURS).toBe(24);
    expect(env.CONSENT_OPT_IN_WORDS).toEqual([]);
  });

  it('read a configured window and comma-separated opt-in words, which the plan then honours', () => {
    const env = readEnvironment(processorEnvironmentShape, {
      ...base,
      CONSENT_YES_WINDOW_HOURS: '48',
      CONSENT_OPT_IN_WORDS: 'join, rejoin',
    });
    expect(env.CONSENT_YES_WINDOW_HOURS).toBe(48);
    const plan = planEventProcessing(
      body('message.received', messageObject({ text: 'JOIN' })),
      'messages',
      receivedAt,
      { extraOptInWords: env.CONSENT_OPT_IN_WORDS },
    );
    expect(plan).toMatchObject({ kind: 'activity', consent: { keyword: 'opt-in', matched: 'join' } });
  });
});
