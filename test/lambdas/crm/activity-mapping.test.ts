import { activityChangeFromWebhook } from '../../../lambdas/crm/domain/activity-mapping';
import { activityIndexKeys, extraTimelineKeys } from '../../../lambdas/crm/domain/activity-index-keys';
import {
  isNewerAspect,
  isTerminalStatus,
  newerAspects,
  statusRank,
} from '../../../lambdas/crm/domain/activity';
import { consentChangeOf, deliveryOutcomesOf } from '../../../lambdas/crm/domain/activity-signals';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { changeFromApiCall, changeFromApiMessage, changeFromWebhook } from '../../support/crm-changes';
import {
  apiCall,
  apiMessage,
  callId,
  callObject,
  completedCall,
  contactNumber,
  conversationId,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
  recording,
  standardEvent,
  summaryObject,
  transcriptObject,
  userId,
} from '../../support/openphone-payloads';

const at = '2026-11-20T10:00:01.000Z';

describe('a message webhook as an activity change', () => {
  it('carries the facts, the status and the event time', () => {
    const change = changeFromWebhook(legacyEvent('message.received', messageObject(), at));
    expect(change).toEqual({
      eventTime: at,
      update: {
        activityId: 'ACmsg0001',
        source: 'webhook',
        facts: {
          kind: 'message',
          direction: 'incoming',
          from: contactNumber,
          to: [line.number],
          participants: [line.number, contactNumber].sort(),
          contactNumbers: [contactNumber],
          conversationId,
          phoneNumberId: line.id,
          createdAt: '2026-11-20T10:00:00.000Z',
          text: 'Hello there',
          media: [{ url: 'https://storage.openphone.example/m1.jpg', type: 'image/jpeg' }],
        },
        aspects: { status: 'received' },
      },
    });
  });

  it('normalises numbers to E.164', () => {
    const change = changeFromWebhook(
      legacyEvent('message.received', messageObject({ from: '(555) 222-3333', to: '1 555 000 1111' }), at),
    );
    expect(change.update.facts).toMatchObject({ from: contactNumber, to: [line.number] });
  });

  it('keeps a number that is not a phone number (short code) as given', () => {
    const change = changeFromWebhook(legacyEvent('message.received', messageObject({ from: '72345' }), at));
    expect(change.update.facts.contactNumbers).toEqual(['72345']);
  });

  it('files an outgoing message under its recipients', () => {
    const change = changeFromWebhook(legacyEvent('message.delivered', outgoingMessageObject(), at));
    expect(change.update.facts.contactNumbers).toEqual([contactNumber]);
  });

  it('falls back to the receipt time when the event has none', () => {
    const change = changeFromWebhook(
      legacyEvent('message.received', messageObject(), at, { createdAt: null }),
      '2026-11-20T10:00:09.000Z',
    );
    expect(change.eventTime).toBe('2026-11-20T10:00:09.000Z');
  });

  it('refuses a test delivery without an object id', () => {
    const parsed = parseWebhookEvent(legacyEvent('message.received', messageObject({ id: '' }), at));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(activityChangeFromWebhook(parsed.value, at)).toEqual({ ok: false, reason: 'missing-object-id' });
  });

  it('says a contact event is not an activity', () => {
    const parsed = parseWebhookEvent(legacyEvent('contact.updated', { id: 'CT1' }, at));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(activityChangeFromWebhook(parsed.value, at)).toEqual({ ok: false, reason: 'not-an-activity' });
  });

  it('is the same change from either envelope', () => {
    expect(changeFromWebhook(standardEvent('message.received', messageObject(), at))).toEqual(
      changeFromWebhook(legacyEvent('message.received', messageObject(), at)),
    );
  });
});

describe('an event whose content cannot be read', () => {
  const mappingOf = (event: unknown) => {
    const parsed = parseWebhookEvent(event);
    if (!parsed.ok) throw new Error(parsed.reason);
    return activityChangeFromWebhook(parsed.value, at);
  };

  it.each([
    [
      'a received message with neither text nor media',
      legacyEvent('message.received', messageObject({ text: '', media: [] }), at),
      'missing-text-and-media',
    ],
    [
      'a transcript with no lines',
      legacyEvent('call.transcript.completed', transcriptObject({ dialogue: [] }), at),
      'missing-transcript-lines',
    ],
    [
      'a transcript whose lines are all blank',
      legacyEvent(
        'call.transcript.completed',
        transcriptObject({ dialogue: [{ start: 0, end: 1, content: '' }] }),
        at,
      ),
      'missing-transcript-lines',
    ],
    [
      'a summary with neither summary nor next steps',
      legacyEvent('call.summary.completed', summaryObject({ summary: [], nextSteps: [] }), at),
      'missing-summary',
    ],
    [
      'a transcript that names no call',
      legacyEvent('call.transcript.completed', transcriptObject({ callId: '' }), at),
      'missing-call-id',
    ],
    [
      'a recording object that names no call',
      legacyEvent(
        'call.recording.completed',
        { id: 'CRrec01', object: 'callRecording', url: recording.url },
        at,
      ),
      'missing-call-id',
    ],
    [
      'a recording event without a recording',
      legacyEvent('call.recording.completed', callObject({ media: [] }), at),
      'missing-recording-url',
    ],
  ])('fails %s, naming what was missing', (_name, event, reason) => {
    expect(mappingOf(event)).toEqual({ ok: false, reason });
  });

  it('keeps a message status update without text (a delivery receipt says nothing more)', () => {
    expect(
      mappingOf(legacyEvent('message.delivered', outgoingMessageObject({ text: '', media: [] }), at)),
    ).toMatchObject({
      ok: true,
    });
  });

  it('keeps a transcript OpenPhone says is absent, with its status', () => {
    expect(
      mappingOf(
        legacyEvent('call.transcript.completed', transcriptObject({ dialogue: null, status: 'absent' }), at),
      ),
    ).toMatchObject({
      ok: true,
      change: { update: { aspects: { transcript: { dialogue: [], status: 'absent' } } } },
    });
  });
});

describe('a recording object that names its call', () => {
  it('is attached to the call, never recorded under its own id', () => {
    const change = changeFromWebhook(
      legacyEvent(
        'call.recording.completed',
        {
          id: 'CRrec01',
          object: 'callRecording',
          callId,
          url: recording.url,
          type: 'audio/mpeg',
          duration: 240,
        },
        at,
      ),
    );
    expect(change.update).toEqual({
      activityId: callId,
      source: 'webhook',
      facts: { kind: 'call' },
      aspects: { recordings: [{ url: recording.url, type: 'audio/mpeg', duration: 240 }] },
    });
  });
});

describe('transcript lines under transcript.dialogue', () => {
  it("are the call activity's transcript", () => {
    const change = changeFromWebhook(
      legacyEvent(
        'call.transcript.completed',
        { transcript: { callId, dialogue: [{ speaker: contactNumber, text: 'Is it booked?' }] } },
        at,
      ),
    );
    expect(change.update).toMatchObject({
      activityId: callId,
      aspects: { transcript: { dialogue: [{ content: 'Is it booked?', identifier: contactNumber }] } },
    });
  });
});

describe('a REST message as an activity change', () => {
  it('has the webhook’s facts except media, and the conversation the import walked', () => {
    const imported = changeFromApiMessage(apiMessage(), conversationId);
    const { media: _media, ...webhookFacts } = changeFromWebhook(
      legacyEvent('message.received', messageObject(), at),
    ).update.facts;
    expect(imported.update).toEqual({
      activityId: 'ACmsg0001',
      source: 'import',
      facts: webhookFacts,
      aspects: { status: 'received' },
    });
    expect(imported.eventTime).toBe('2026-11-20T10:00:00.000Z');
  });
});

describe('call webhooks as activity changes', () => {
  it('a ringing call: facts and status, no recordings or voicemail', () => {
    const change = changeFromWebhook(legacyEvent('call.ringing', callObject(), at));
    expect(change.update).toEqual({
      activityId: callId,
      source: 'webhook',
      facts: {
        kind: 'call',
        direction: 'incoming',
        from: contactNumber,
        to: [line.number],
        participants: [line.number, contactNumber].sort(),
        contactNumbers: [contactNumber],
        conversationId,
        userId,
        phoneNumberId: line.id,
        createdAt: '2026-11-20T11:00:00.000Z',
      },
      aspects: { status: 'ringing' },
    });
  });

  it('a completed call with a recording and a voicemail', () => {
    const voicemail = { url: 'https://storage.openphone.example/vm.mp3', type: 'audio/mpeg', duration: 20 };
    const change = changeFromWebhook(
      legacyEvent('call.completed', completedCall({ media: [recording], voicemail }), at),
    );
    expect(change.update.facts).toMatchObject({
      answeredAt: '2026-11-20T11:00:05.000Z',
      completedAt: '2026-11-20T11:04:05.000Z',
    });
    expect(change.update.aspects).toEqual({ status: 'completed', recordings: [recording], voicemail });
  });

  it('an empty media list says nothing about recordings', () => {
    const change = changeFromWebhook(legacyEvent('call.completed', completedCall({ media: [] }), at));
    expect(change.update.aspects.recordings).toBeUndefined();
  });

  it('a summary is a change to the call with only its summary', () => {
    const change = changeFromWebhook(legacyEvent('call.summary.completed', summaryObject(), at));
    expect(change.update).toEqual({
      activityId: callId,
      source: 'webhook',
      facts: { kind: 'call' },
      aspects: {
        summary: {
          summary: ['The customer asked about delivery times.'],
          nextSteps: ['Send the tracking link.'],
          status: 'completed',
        },
      },
    });
  });

  it('a transcript is a change to the call with only its dialogue', () => {
    const change = changeFromWebhook(legacyEvent('call.transcript.completed', transcriptObject(), at));
    expect(change.update.facts).toEqual({ kind: 'call' });
    expect(change.update.aspects.transcript).toEqual({
      dialogue: [
        { start: 0.5, end: 3.25, content: 'Hi, where is my order?', identifier: contactNumber },
        { start: 3.5, end: 6, content: 'Let me check.', identifier: line.number, userId },
      ],
      duration: 240,
      status: 'completed',
    });
  });
});

describe('a REST call as an activity change', () => {
  it('splits participants into from/to by the line’s own number, like the webhook', () => {
    const imported = changeFromApiCall(apiCall(), conversationId);
    const webhook = changeFromWebhook(legacyEvent('call.completed', completedCall(), at));
    expect(imported.update.facts).toEqual({
      ...webhook.update.facts,
      durationSeconds: 245,
      answeredBy: userId,
    });
    expect(imported.update.aspects).toEqual({ status: 'completed' });
    expect(imported.eventTime).toBe('2026-11-20T11:04:06.000Z');
  });

  it('works when participants list only the other party', () => {
    const imported = changeFromApiCall(apiCall({ participants: [contactNumber], direction: 'outgoing' }));
    expect(imported.update.facts).toMatchObject({
      from: line.number,
      to: [contactNumber],
      contactNumbers: [contactNumber],
    });
  });
});

describe('status ordering', () => {
  it('ranks message statuses queued < sent < delivered, with terminal outcomes equal', () => {
    expect(statusRank('message', 'queued')).toBeLessThan(statusRank('message', 'sent'));
    expect(statusRank('message', 'sent')).toBeLessThan(statusRank('message', 'delivered'));
    expect(statusRank('message', 'delivered')).toBe(statusRank('message', 'undelivered'));
    expect(statusRank('message', 'failed')).toBe(statusRank('message', 'delivered'));
    expect(['delivered', 'undelivered', 'failed'].every((s) => isTerminalStatus('message', s))).toBe(true);
    expect(isTerminalStatus('message', 'sent')).toBe(false);
  });

  it('ranks call statuses ringing < in-progress < completed/missed', () => {
    expect(statusRank('call', 'ringing')).toBeLessThan(statusRank('call', 'in-progress'));
    expect(statusRank('call', 'in-progress')).toBeLessThan(statusRank('call', 'completed'));
    expect(isTerminalStatus('call', 'missed')).toBe(true);
    expect(isTerminalStatus('voicemail', 'no-answer')).toBe(true);
  });

  it('never lets a lower status replace a higher one, even if later', () => {
    expect(isNewerAspect({ at: '2026-01-02', rank: 1 }, { at: '2026-01-01', rank: 2 })).toBe(false);
  });

  it('lets a later time win between equal ranks, and never an older one', () => {
    expect(isNewerAspect({ at: '2026-01-02', rank: 2 }, { at: '2026-01-01', rank: 2 })).toBe(true);
    expect(isNewerAspect({ at: '2026-01-01', rank: 2 }, { at: '2026-01-02', rank: 2 })).toBe(false);
  });

  it('resolves a tie the same way in either order, and a repeat is not newer', () => {
    const a = { at: 't', rank: 2, status: 'delivered' };
    const b = { at: 't', rank: 2, status: 'undelivered' };
    expect(isNewerAspect(b, a)).toBe(true);
    expect(isNewerAspect(a, b)).toBe(false);
    expect(isNewerAspect(a, a)).toBe(false);
  });

  it('picks the aspects of an update that are newer than the stored item', () => {
    const change = changeFromWebhook(
      legacyEvent('call.completed', completedCall({ media: [recording] }), '2026-11-20T11:05:00.000Z'),
    );
    const stored = {
      kind: 'call',
      status: 'completed',
      statusRank: 3,
      statusAt: '2026-11-20T11:06:00.000Z',
      recordingsAt: '2026-11-20T11:01:00.000Z',
    };
    expect(newerAspects(change.update, change.eventTime, stored)).toEqual(['recordings']);
    expect(newerAspects(change.update, change.eventTime, undefined)).toEqual(['status', 'recordings']);
  });
});

describe('index keys', () => {
  it('files an activity under its contact number, conversation and UTC day, by creation time', () => {
    const change = changeFromWebhook(legacyEvent('message.received', messageObject(), at));
    expect(activityIndexKeys(change.update.activityId, change.update.facts)).toEqual({
      timelinePk: `NUMBER#${contactNumber}`,
      timelineSk: '2026-11-20T10:00:00.000Z#ACmsg0001',
      conversationPk: `CONVERSATION#${conversationId}`,
      conversationSk: '2026-11-20T10:00:00.000Z#ACmsg0001',
      timePk: 'ACTIVITYDAY#2026-11-20',
      timeSk: '2026-11-20T10:00:00.000Z#ACmsg0001',
    });
  });

  it('files a message or call by the UTC day of its time, whatever offset it was written with; a task on no day', () => {
    const keys = (facts: Parameters<typeof activityIndexKeys>[1]) => activityIndexKeys('AC1', facts).timePk;
    expect(keys({ kind: 'call', direction: 'incoming', createdAt: '2026-11-20T23:30:00-05:00' })).toBe(
      'ACTIVITYDAY#2026-11-21',
    );
    expect(keys({ kind: 'task', createdAt: '2026-11-20T10:00:00Z' })).toBeUndefined();
    expect(keys({ kind: 'call', createdAt: '2026-11-20T10:00:00Z' })).toBeUndefined(); // direction not yet known
  });

  it('has none until the facts are known (a summary before its call)', () => {
    expect(activityIndexKeys(callId, { kind: 'call' })).toEqual({});
    expect(extraTimelineKeys(callId, { kind: 'call' })).toEqual([]);
  });

  it('gives a group message’s other recipients a timeline entry each', () => {
    const change = changeFromWebhook(
      legacyEvent('message.delivered', outgoingMessageObject({ to: ['+15550000003', contactNumber] }), at),
    );
    expect(activityIndexKeys(change.update.activityId, change.update.facts).timelinePk).toBe(
      'NUMBER#+15550000003',
    );
    expect(extraTimelineKeys(change.update.activityId, change.update.facts)).toEqual([
      {
        phoneNumber: contactNumber,
        timelinePk: `NUMBER#${contactNumber}`,
        timelineSk: '2026-11-20T10:00:00.000Z#ACmsgout001',
      },
    ]);
  });
});

describe('consent and delivery outcomes', () => {
  it('reads STOP from an incoming message as an opt-out by the sender at its own time, with a masked excerpt', () => {
    const sentAt = '2026-11-20T09:59:58.000Z';
    const change = changeFromWebhook(
      legacyEvent('message.received', messageObject({ text: ' stop ', createdAt: sentAt }), at),
    );
    // The message's time, not the envelope's: both systems' copies of it make the same change.
    expect(consentChangeOf(change)).toEqual({
      keyword: 'opt-out',
      phoneNumber: contactNumber,
      messageId: 'ACmsg0001',
      at: sentAt,
      matched: 'stop',
      excerpt: 'stop',
    });
  });

  it('reads "please stop" as an opt-out too', () => {
    const change = changeFromWebhook(
      legacyEvent('message.received', messageObject({ text: 'please stop' }), at),
    );
    expect(consentChangeOf(change)?.keyword).toBe('opt-out');
  });

  it('ignores keywords in outgoing messages and ordinary text', () => {
    expect(
      consentChangeOf(
        changeFromWebhook(legacyEvent('message.delivered', outgoingMessageObject({ text: 'STOP' }), at)),
      ),
    ).toBeUndefined();
    expect(
      consentChangeOf(
        changeFromWebhook(
          legacyEvent('message.received', messageObject({ text: 'can you stop by at 3' }), at),
        ),
      ),
    ).toBeUndefined();
  });

  it('remembers an outgoing message that asks its recipient to reply YES', () => {
    const change = changeFromWebhook(
      legacyEvent(
        'message.delivered',
        outgoingMessageObject({ text: 'Reply YES to get our texts again' }),
        at,
      ),
    );
    expect(consentChangeOf(change)).toEqual({
      keyword: 'yes-prompt',
      phoneNumber: contactNumber,
      messageId: 'ACmsgout001',
      at,
    });
  });

  it('masks the digits of the excerpt and keeps it short', () => {
    const text = 'stop texting me, call 555 123 4567 instead, this is a long message';
    const change = changeFromWebhook(legacyEvent('message.received', messageObject({ text }), at));
    const excerpt = consentChangeOf(change)?.excerpt;
    expect(excerpt).not.toMatch(/\d/);
    expect(excerpt!.length).toBeLessThanOrEqual(41);
  });

  it('turns an outgoing delivered/undelivered status into a delivery outcome per recipient', () => {
    const delivered = changeFromWebhook(
      legacyEvent('message.delivered', outgoingMessageObject({ status: 'delivered' }), at),
    );
    expect(deliveryOutcomesOf(delivered)).toEqual([
      { phoneNumber: contactNumber, messageId: 'ACmsgout001', outcome: 'delivered', at },
    ]);
    const failed = changeFromWebhook(
      legacyEvent('message.undelivered', outgoingMessageObject({ status: 'undelivered' }), at),
    );
    expect(deliveryOutcomesOf(failed)[0]?.outcome).toBe('failed');
    const sent = changeFromWebhook(
      legacyEvent('message.sent', outgoingMessageObject({ status: 'sent' }), at),
    );
    expect(deliveryOutcomesOf(sent)).toEqual([]);
  });

  it('says whether a failure means the number cannot receive SMS, from its code or its text', () => {
    const failure = (extra: Record<string, unknown>) =>
      deliveryOutcomesOf(
        changeFromWebhook(
          legacyEvent('message.delivered', outgoingMessageObject({ status: 'undelivered', ...extra }), at),
        ),
      )[0];
    expect(failure({ errorCode: 30006 })).toMatchObject({ failureKind: 'hard', error: { code: '30006' } });
    expect(failure({ error: { code: '30007', message: 'Carrier filtering' } })?.failureKind).toBe('soft');
    expect(failure({ error: 'The destination is a landline' })?.failureKind).toBe('hard');
    expect(failure({ errorMessage: 'Number disconnected' })?.failureKind).toBe('hard');
    expect(failure({ errorCode: '49999' })?.failureKind).toBe('unknown');
    expect(failure({})?.failureKind).toBe('unknown');
  });
});
