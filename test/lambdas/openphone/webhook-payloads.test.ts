import { parsed, reasonOf } from '../../support/webhook-parsing';
import { parseWebhookBody } from '../../../lambdas/openphone/domain/webhook-payloads';
import {
  callObject,
  completedCall,
  contactNumber,
  contactObject,
  conversationId,
  legacyEvent,
  line,
  messageObject,
  recording,
  standardEvent,
  summaryObject,
  transcriptObject,
} from '../../support/openphone-payloads';

const at = '2026-11-20T10:00:01.000Z';

describe('message payloads', () => {
  it('reads a documented message.received', () => {
    const event = parsed(legacyEvent('message.received', messageObject(), at));
    expect(event).toMatchObject({
      kind: 'message',
      type: 'message.received',
      envelope: 'legacy',
      apiVersion: 'v3',
      occurredAt: at,
      object: {
        id: 'ACmsg0001',
        from: contactNumber,
        to: [line.number],
        direction: 'incoming',
        text: 'Hello there',
        status: 'received',
        media: [{ url: 'https://storage.openphone.example/m1.jpg', type: 'image/jpeg' }],
        phoneNumberId: line.id,
        conversationId,
        userId: undefined,
      },
    });
  });

  it('takes the text from `body` in older payload versions', () => {
    const { text: _text, ...older } = messageObject();
    const event = parsed(
      legacyEvent('message.received', { ...older, body: 'Old style' }, at, { apiVersion: 'v2' }),
    );
    expect(event.kind === 'message' && event.object.text).toBe('Old style');
  });

  it('accepts `to` as one string', () => {
    const event = parsed(legacyEvent('message.received', messageObject({ to: line.number }), at));
    expect(event.kind === 'message' && event.object.to).toEqual([line.number]);
  });

  it('treats nulls and empty-string ids of a test delivery as absent', () => {
    const event = parsed(
      legacyEvent(
        'message.received',
        messageObject({
          id: '',
          conversationId: '',
          phoneNumberId: null,
          media: null,
          text: null,
          status: null,
        }),
        at,
      ),
    );
    expect(event.object).toMatchObject({
      id: undefined,
      conversationId: undefined,
      phoneNumberId: undefined,
      media: [],
      text: undefined,
      status: undefined,
    });
  });

  it('normalises times to one ISO format so they compare as strings', () => {
    const event = parsed(
      legacyEvent('message.received', messageObject({ createdAt: '2026-11-20T10:00:00Z' }), at),
    );
    expect(event.kind === 'message' && event.object.createdAt).toBe('2026-11-20T10:00:00.000Z');
  });

  it('says where and why a message is malformed', () => {
    expect(reasonOf(legacyEvent('message.received', messageObject({ direction: 'sideways' }), at))).toMatch(
      /^data\.object\.direction: /,
    );
    expect(reasonOf(legacyEvent('message.received', messageObject({ createdAt: 'yesterday' }), at))).toBe(
      'data.object.createdAt: not a date-time: yesterday',
    );
  });
});

describe('call payloads', () => {
  it('reads a completed call with a recording and a voicemail', () => {
    const voicemail = { url: 'https://storage.openphone.example/vm.mp3', type: 'audio/mpeg', duration: 20 };
    const event = parsed(legacyEvent('call.completed', completedCall({ media: [recording], voicemail }), at));
    expect(event).toMatchObject({
      kind: 'call',
      object: {
        status: 'completed',
        answeredAt: '2026-11-20T11:00:05.000Z',
        completedAt: '2026-11-20T11:04:05.000Z',
        to: [line.number],
        media: [recording],
        voicemail,
      },
    });
  });

  it('keeps a voicemail transcript and treats a null voicemail as none', () => {
    const withTranscript = parsed(
      legacyEvent(
        'call.completed',
        completedCall({ voicemail: { url: 'https://x/vm.mp3', transcript: 'Call me' } }),
        at,
      ),
    );
    expect(withTranscript.kind === 'call' && withTranscript.object.voicemail?.transcript).toBe('Call me');
    const ringing = parsed(legacyEvent('call.ringing', callObject(), at));
    expect(ringing.kind === 'call' && ringing.object.voicemail).toBeUndefined();
  });
});

describe('call intelligence payloads', () => {
  it('reads a call summary', () => {
    const event = parsed(legacyEvent('call.summary.completed', summaryObject(), at));
    expect(event).toMatchObject({
      kind: 'call-summary',
      object: {
        callId: 'ACcall0001',
        summary: ['The customer asked about delivery times.'],
        nextSteps: ['Send the tracking link.'],
        status: 'completed',
      },
    });
  });

  it('reads null summary lists as empty', () => {
    const event = parsed(
      legacyEvent('call.summary.completed', summaryObject({ summary: null, nextSteps: null }), at),
    );
    expect(event.object).toMatchObject({ summary: [], nextSteps: [] });
  });

  it('reads a call transcript dialogue', () => {
    const event = parsed(legacyEvent('call.transcript.completed', transcriptObject(), at));
    expect(event).toMatchObject({
      kind: 'call-transcript',
      object: {
        callId: 'ACcall0001',
        duration: 240,
        status: 'completed',
        dialogue: [
          {
            start: 0.5,
            end: 3.25,
            content: 'Hi, where is my order?',
            identifier: contactNumber,
          },
          { start: 3.5, end: 6, content: 'Let me check.', identifier: line.number, userId: 'USuser0001' },
        ],
      },
    });
  });
});

describe('payload variants read into the same values', () => {
  it('reads transcript lines under `transcript.dialogue` with `speaker` and `text`', () => {
    const event = parsed(
      legacyEvent(
        'call.transcript.completed',
        {
          object: 'callTranscript',
          transcript: {
            callId: 'ACcall0001',
            dialogue: [
              { start: 0, end: 2, speaker: contactNumber, text: 'Is the van booked?' },
              { speaker: 'Agent', text: 'It is.' },
            ],
            duration: 12,
            status: 'completed',
          },
        },
        at,
      ),
    );
    expect(event.object).toEqual({
      object: 'callTranscript',
      callId: 'ACcall0001',
      createdAt: undefined,
      dialogue: [
        { start: 0, end: 2, content: 'Is the van booked?', identifier: contactNumber },
        { content: 'It is.', identifier: 'Agent' },
      ],
      duration: 12,
      status: 'completed',
    });
  });

  it('reads a transcript given as a list of lines or as one string', () => {
    const asList = parsed(
      legacyEvent('call.transcript.completed', { callId: 'AC1', transcript: [{ content: 'Hello' }] }, at),
    );
    const asText = parsed(
      legacyEvent('call.transcript.completed', { callId: 'AC1', transcript: 'Hello' }, at),
    );
    expect(asList.object).toMatchObject({ dialogue: [{ content: 'Hello' }] });
    expect(asText.object).toMatchObject({ dialogue: [{ content: 'Hello' }] });
  });

  it('drops transcript lines with nothing said', () => {
    const event = parsed(
      legacyEvent(
        'call.transcript.completed',
        transcriptObject({ dialogue: [{ start: 0, end: 1, content: ' ' }] }),
        at,
      ),
    );
    expect(event.object).toMatchObject({ dialogue: [] });
  });

  it('reads one string where a list of strings is expected', () => {
    const event = parsed(
      legacyEvent(
        'call.summary.completed',
        summaryObject({ summary: 'Asked about a refund.', nextSteps: 'Call back.' }),
        at,
      ),
    );
    expect(event.object).toMatchObject({ summary: ['Asked about a refund.'], nextSteps: ['Call back.'] });
  });

  it('reads a summary nested under `summary`', () => {
    const event = parsed(
      legacyEvent(
        'call.summary.completed',
        { callId: 'AC1', summary: { summary: ['A'], nextSteps: ['B'] } },
        at,
      ),
    );
    expect(event.object).toMatchObject({ callId: 'AC1', summary: ['A'], nextSteps: ['B'] });
  });

  it('reads a URL string where a media object, a recording or a voicemail is expected', () => {
    const message = parsed(
      legacyEvent('message.received', messageObject({ media: ['https://media.example/a.jpg'] }), at),
    );
    expect(message.object).toMatchObject({ media: [{ url: 'https://media.example/a.jpg' }] });
    const call = parsed(
      legacyEvent(
        'call.completed',
        callObject({ media: 'https://media.example/r.mp3', voicemail: 'https://media.example/v.mp3' }),
        at,
      ),
    );
    expect(call.object).toMatchObject({
      media: [{ url: 'https://media.example/r.mp3' }],
      voicemail: { url: 'https://media.example/v.mp3' },
    });
  });

  it('reads a recording object that names its call', () => {
    const event = parsed(
      legacyEvent(
        'call.recording.completed',
        {
          id: 'CRrec01',
          object: 'callRecording',
          callId: 'ACcall0001',
          url: 'https://media.example/r.mp3',
          type: 'audio/mpeg',
          duration: 60,
        },
        at,
      ),
    );
    expect(event.object).toMatchObject({
      id: 'CRrec01',
      callId: 'ACcall0001',
      url: 'https://media.example/r.mp3',
    });
  });

  it('takes a message text given as `content`', () => {
    const event = parsed(legacyEvent('message.received', messageObject({ text: null, content: 'Hi' }), at));
    expect(event.object).toMatchObject({ text: 'Hi' });
  });
});

describe('contact payloads', () => {
  it('reads a flat webhook contact', () => {
    const event = parsed(legacyEvent('contact.updated', contactObject(), at));
    expect(event).toMatchObject({
      kind: 'contact',
      object: {
        id: 'CTcontact01',
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical Engines',
        role: 'Founder',
        emails: [{ name: 'work', value: 'ada@example.com' }],
        phoneNumbers: [{ name: 'mobile', value: contactNumber }],
        customFields: [{ name: 'Tier', key: 'tier', type: 'string', value: 'gold' }],
        updatedAt: '2026-11-10T09:00:00.000Z',
      },
    });
  });

  it('reads the REST shape with defaultFields the same way', () => {
    const { firstName, lastName, company, role, emails, phoneNumbers, ...rest } = contactObject();
    const nested = { ...rest, defaultFields: { firstName, lastName, company, role, emails, phoneNumbers } };
    expect(parsed(legacyEvent('contact.updated', nested, at)).object).toEqual(
      parsed(legacyEvent('contact.updated', contactObject(), at)).object,
    );
  });
});

describe('envelopes', () => {
  it('normalises a Standard Webhooks `data.resource` envelope to the same event', () => {
    const standard = parsed(standardEvent('message.received', messageObject(), at));
    const legacy = parsed(legacyEvent('message.received', messageObject(), at));
    expect(standard.envelope).toBe('standard-webhooks');
    expect(standard.object).toEqual(legacy.object);
    expect(standard.occurredAt).toBe(at);
    expect(standard.links).toEqual({ self: 'https://api.openphone.com/v1/x/ACmsg0001' });
  });

  it('fills ids the beta envelope carries in `context` rather than the resource', () => {
    const { conversationId: _c, phoneNumberId: _p, ...resource } = messageObject();
    const event = parsed(
      standardEvent('message.received', resource, at, {
        conversationId: 'CNfromctx',
        phoneNumberId: 'PNfromctx',
      }),
    );
    expect(event.object).toMatchObject({ conversationId: 'CNfromctx', phoneNumberId: 'PNfromctx' });
    expect(event.context).toEqual({ conversationId: 'CNfromctx', phoneNumberId: 'PNfromctx' });
  });

  it('rejects an unknown event type by name', () => {
    expect(reasonOf(legacyEvent('message.reaction', messageObject(), at))).toBe(
      'type: unsupported event type "message.reaction"',
    );
  });

  it('rejects a body without data.object or data.resource', () => {
    expect(reasonOf({ type: 'message.received', data: {} })).toMatch(/^data\.object: /);
    expect(reasonOf('not an object')).toMatch(/expected object/i);
  });

  it('rejects a body that is not JSON', () => {
    const result = parseWebhookBody('{oops');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^body: not JSON/);
  });

  it('accepts an event without a time, leaving it to the caller', () => {
    const event = parsed(legacyEvent('message.received', messageObject(), at, { createdAt: null }));
    expect(event.occurredAt).toBeUndefined();
  });
});
