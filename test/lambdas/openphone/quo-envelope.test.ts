import { parsed, reasonOf } from '../../support/webhook-parsing';
import { activityChangeFromWebhook } from '../../../lambdas/crm/domain/activity-mapping';
import {
  callObject,
  completedCall,
  contactNumber,
  conversationId,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
  quoEventOf,
  summaryObject,
  transcriptObject,
  userId,
} from '../../support/openphone-payloads';

const at = '2026-11-20T10:00:01.000Z';

/** A documented new-envelope message.received: the resource has no numbers; the context has them. */
const quoStop = (context: Record<string, unknown> = {}) => ({
  id: 'EVquostop',
  object: 'event',
  apiVersion: '2026-03-30',
  createdAt: at,
  type: 'message.received',
  data: {
    resource: {
      id: 'ACquostop',
      direction: 'incoming',
      text: 'STOP',
      media: [],
      status: 'received',
      createdAt: '2026-11-20T10:00:00.000Z',
    },
    context: {
      phoneNumber: { id: line.id, number: line.number },
      conversation: { id: conversationId },
      senderIdentifier: contactNumber,
      recipientIdentifiers: [line.number],
      contacts: { ids: ['CTada'], lookupStatus: 'matched' },
      ...context,
    },
    links: { quo: 'https://my.quo.com/inbox/PNline0001/c/CNconv0001' },
  },
});

describe('the same fact from either envelope', () => {
  it.each([
    ['an incoming message', 'message.received', messageObject()],
    ['an outgoing message', 'message.delivered', outgoingMessageObject({ status: 'delivered' })],
    ['a ringing call', 'call.ringing', callObject()],
    [
      'a completed outgoing call',
      'call.completed',
      completedCall({ direction: 'outgoing', from: line.number, to: contactNumber }),
    ],
    ['a summary', 'call.summary.completed', summaryObject()],
    ['a transcript', 'call.transcript.completed', transcriptObject()],
  ])('%s reads the same numbers, user, line, conversation and content', (_name, type, object) => {
    const legacy = parsed(legacyEvent(type, object, at));
    const quo = parsed(quoEventOf(type, object, at));
    expect(quo.envelope).toBe('standard-webhooks');
    // `object` names the legacy object's kind; the new resource does not repeat it.
    expect({ ...quo.object, object: undefined }).toEqual({ ...legacy.object, object: undefined });
    expect(quo.occurredAt).toBe(legacy.occurredAt);
  });

  it('makes the same activity change from either envelope', () => {
    const legacy = activityChangeFromWebhook(
      parsed(legacyEvent('message.received', messageObject(), at)),
      at,
    );
    const quo = activityChangeFromWebhook(parsed(quoEventOf('message.received', messageObject(), at)), at);
    expect(quo).toEqual(legacy);
    expect(quo.ok && quo.change.update.facts.contactNumbers).toEqual([contactNumber]);
  });
});

describe('the new envelope read whole', () => {
  it('takes the sender, line, conversation and Quo contact match of a STOP from its context', () => {
    const event = parsed(quoStop());
    expect(event).toMatchObject({
      kind: 'message',
      occurredAt: at,
      contacts: { lookupStatus: 'matched', ids: ['CTada'] },
      object: {
        id: 'ACquostop',
        from: contactNumber,
        to: [line.number],
        direction: 'incoming',
        text: 'STOP',
        phoneNumberId: line.id,
        conversationId,
      },
    });
    const change = activityChangeFromWebhook(event, at);
    expect(change.ok && change.change.update.facts).toMatchObject({
      contactNumbers: [contactNumber],
      openPhoneContactIds: ['CTada'],
    });
  });

  it('treats an unavailable contact lookup as unknown, not as no contact', () => {
    const event = parsed(quoStop({ contacts: { ids: [], lookupStatus: 'unavailable' } }));
    expect(event.contacts).toEqual({ lookupStatus: 'unavailable', ids: [] });
    const change = activityChangeFromWebhook(event, at);
    expect(change.ok && change.change.update.facts).not.toHaveProperty('openPhoneContactIds');
    expect(change.ok && change.change.update.facts.contactNumbers).toEqual([contactNumber]);
  });

  it.each([
    ['a contact lookup status it does not know', { contacts: { ids: ['CTada'], lookupStatus: 'pending' } }],
    ['contact ids that are not a list', { contacts: { ids: 'CTada', lookupStatus: 'matched' } }],
    ['participants given as one object, not lists', { participants: { workspace: {}, external: {} } }],
    ['a user that is a number', { user: 42 }],
  ])(
    'reads a STOP whose context has %s: the sender and text are still there, the odd part unknown',
    (_case, odd) => {
      const event = parsed(quoStop(odd));
      expect(event.object).toMatchObject({ from: contactNumber, text: 'STOP' });
    },
  );

  it('fails, naming the field, an incoming message whose sender is not given', () => {
    expect(reasonOf(quoStop({ senderIdentifier: null }))).toBe(
      'data.context.senderIdentifier: absent, so the sender of this incoming message is unknown',
    );
  });

  it('fails an outgoing message whose recipients are not given', () => {
    const body = quoEventOf('message.delivered', outgoingMessageObject({ status: 'delivered' }), at, {
      context: { recipientIdentifiers: [] },
    });
    expect(reasonOf(body)).toMatch(/^data\.context\.recipientIdentifiers: empty/);
  });

  it('fails a call whose participants could not be resolved: empty lists are unknown, not nobody', () => {
    const body = quoEventOf('call.completed', completedCall(), at, {
      context: { participants: { workspace: [], external: [], resolution: 'unavailable' } },
    });
    expect(reasonOf(body)).toBe(
      "data.context.participants.resolution: unavailable, so the call's other party is unknown",
    );
  });

  it('places a call from its participants: the external one is the other party, the workspace one the line and user', () => {
    const event = parsed(quoEventOf('call.completed', completedCall(), at));
    expect(event.object).toMatchObject({
      from: contactNumber,
      to: [line.number],
      userId,
      phoneNumberId: line.id,
      conversationId,
    });
  });

  it('fails a legacy message without its other party too, rather than storing it on no timeline', () => {
    const event = parsed(legacyEvent('message.received', messageObject({ from: '' }), at));
    expect(activityChangeFromWebhook(event, at)).toEqual({ ok: false, reason: 'missing-counterpart' });
  });
});
