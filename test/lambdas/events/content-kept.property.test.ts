import fc from 'fast-check';
import { familyOf } from '../../../lambdas/events/domain/event-types';
import { planEventProcessing } from '../../../lambdas/events/domain/event-processing';
import {
  payloadKindByEventType,
  type PayloadEventType,
} from '../../../lambdas/openphone/domain/webhook-payloads';

/**
 * Whatever shape a payload's content comes in (documented or a plain variant), an event that is
 * processed carries every non-empty content field into the CRM change it makes; an event that is
 * not processed had no content to lose and says what was missing.
 */
const receivedAt = '2026-11-20T10:00:05.000Z';
const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{2,12}$/);
const url = word.map((w) => `https://media.example/${w}.bin`);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

interface Case {
  object: Record<string, unknown>;
  /** Every non-empty content value the payload carries. */
  contents: string[];
}

/** A list of URLs as objects with `url`, as plain strings, or (one) as a single value. */
const mediaField = fc
  .tuple(fc.array(url, { maxLength: 2 }), fc.constantFrom('objects', 'strings', 'single'))
  .map(([urls, shape]) => ({
    urls,
    value:
      shape === 'objects'
        ? urls.map((u) => ({ url: u, type: 'image/jpeg' }))
        : shape === 'strings' || urls.length !== 1
          ? urls
          : urls[0],
  }));

/** A list of strings, or one string where it holds one. */
const stringsField = fc.array(word, { maxLength: 3 }).map((items) => ({
  items,
  value: items.length === 1 ? items[0] : items,
}));

const messageCase: fc.Arbitrary<Case> = fc
  .tuple(maybe(word), fc.constantFrom('text', 'body', 'content'), mediaField)
  .map(([text, field, media]) => ({
    object: {
      id: 'ACmsg0001',
      object: 'message',
      from: '+15555550123',
      to: ['+15555550199'],
      direction: 'incoming',
      ...(text ? { [field]: text } : {}),
      media: media.value,
      createdAt: receivedAt,
    },
    contents: [...(text ? [text] : []), ...media.urls],
  }));

const callCase: fc.Arbitrary<Case> = fc
  .tuple(mediaField, maybe(fc.tuple(url, maybe(word), fc.boolean())))
  .map(([media, voicemail]) => ({
    object: {
      id: 'ACcall0001',
      object: 'call',
      from: '+15555550123',
      to: '+15555550199',
      direction: 'incoming',
      status: 'completed',
      media: media.value,
      voicemail: voicemail
        ? voicemail[2] && !voicemail[1]
          ? voicemail[0]
          : { url: voicemail[0], ...(voicemail[1] ? { transcript: voicemail[1] } : {}) }
        : null,
    },
    contents: [...media.urls, ...(voicemail ? [voicemail[0], ...(voicemail[1] ? [voicemail[1]] : [])] : [])],
  }));

const recordingCase: fc.Arbitrary<Case> = fc.oneof(
  callCase,
  fc.tuple(maybe(url), mediaField).map(([own, media]) => ({
    object: {
      id: 'CRrec0001',
      object: 'callRecording',
      callId: 'ACcall0001',
      ...(own ? { url: own, type: 'audio/mpeg', duration: 30 } : {}),
      media: media.value,
    },
    contents: [...(own ? [own] : []), ...media.urls],
  })),
);

const summaryCase: fc.Arbitrary<Case> = fc
  .tuple(stringsField, stringsField, fc.boolean())
  .map(([summary, nextSteps, nested]) => ({
    object: nested
      ? { callId: 'ACcall0001', summary: { summary: summary.items, nextSteps: nextSteps.items } }
      : { callId: 'ACcall0001', summary: summary.value, nextSteps: nextSteps.value, status: 'completed' },
    contents: [...summary.items, ...nextSteps.items],
  }));

const transcriptCase: fc.Arbitrary<Case> = fc
  .tuple(
    fc.array(fc.tuple(word, word, fc.boolean()), { maxLength: 3 }),
    fc.constantFrom('dialogue', 'transcript.dialogue', 'transcript'),
  )
  .map(([lines, placement]) => {
    const dialogue = lines.map(([said, who, documented], i) =>
      documented
        ? { start: i, end: i + 1, content: said, identifier: who, userId: null }
        : { speaker: who, text: said },
    );
    const where =
      placement === 'dialogue'
        ? { dialogue }
        : placement === 'transcript.dialogue'
          ? { transcript: { dialogue, status: 'completed' } }
          : { transcript: dialogue };
    return {
      object: { callId: 'ACcall0001', object: 'callTranscript', status: 'completed', ...where },
      contents: lines.flatMap(([said, who]) => [said, who]),
    };
  });

const contactCase: fc.Arbitrary<Case> = fc
  .tuple(maybe(word), maybe(word), maybe(word), fc.array(word, { maxLength: 2 }), fc.boolean())
  .map(([firstName, lastName, company, emails, nested]) => {
    const fields = {
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
      ...(company ? { company } : {}),
      emails: emails.map((e) => ({ name: 'work', value: `${e}@example.com` })),
    };
    return {
      object: { id: 'CTcontact01', ...(nested ? { defaultFields: fields } : fields) },
      contents: [
        ...[firstName, lastName, company].filter((v): v is string => v !== undefined),
        ...emails.map((e) => `${e}@example.com`),
      ],
    };
  });

/** A voicemail: its recording URL (required) and a transcript as a string, `{ text }` or lines. */
const voicemailCase: fc.Arbitrary<Case> = fc
  .tuple(maybe(url), maybe(word), fc.constantFrom('string', 'object', 'lines'))
  .map(([recordingUrl, said, shape]) => ({
    object: {
      id: 'VMevent0001',
      voicemailId: 'VMvoice0001',
      callId: 'ACcall0001',
      from: '+15555550123',
      to: '+15555550199',
      ...(recordingUrl ? { recordingUrl } : {}),
      ...(said
        ? {
            transcript: shape === 'string' ? said : shape === 'object' ? { text: said } : [{ content: said }],
          }
        : {}),
    },
    contents: [...(recordingUrl ? [recordingUrl] : []), ...(recordingUrl && said ? [said] : [])],
  }));

const menuCase: fc.Arbitrary<Case> = fc.tuple(maybe(word), maybe(word)).map(([option, label]) => ({
  object: { callId: 'ACcall0001', ...(option ? { option } : {}), ...(label ? { label } : {}) },
  contents: [option, label].filter((v): v is string => v !== undefined),
}));

/** A task whole (its title and description kept) or only its id (nothing to lose). */
const taskCase: fc.Arbitrary<Case> = fc.tuple(maybe(word), maybe(word)).map(([title, description]) => ({
  object: {
    taskId: 'TKtask0001',
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
  },
  contents: title ? [title, ...(description ? [description] : [])] : [],
}));

const caseFor: Record<PayloadEventType, fc.Arbitrary<Case>> = {
  'message.received': messageCase,
  'message.delivered': messageCase,
  'message.undelivered': messageCase,
  'message.failed': messageCase,
  'message.sent': messageCase,
  'call.ringing': callCase,
  'call.completed': callCase,
  'call.answered': callCase,
  'call.missed': callCase,
  'call.forwarded': callCase,
  'call.voicemail.completed': voicemailCase,
  'call.menu.selected': menuCase,
  'call.recording.completed': recordingCase,
  'call.summary.completed': summaryCase,
  'call.transcript.completed': transcriptCase,
  'contact.updated': contactCase,
  'contact.created': contactCase,
  'contact.deleted': fc.constant({ object: { id: 'CTcontact01' }, contents: [] }),
  ...(Object.fromEntries(
    (Object.keys(payloadKindByEventType) as PayloadEventType[])
      .filter((type) => payloadKindByEventType[type] === 'task')
      .map((type) => [type, taskCase]),
  ) as Record<`task.${string}` & PayloadEventType, fc.Arbitrary<Case>>),
};

describe('what a processed event keeps', () => {
  it.each(Object.keys(payloadKindByEventType) as PayloadEventType[])(
    '%s: a processed event carries every non-empty content field; one not processed had none',
    (type) => {
      const family = familyOf(type)!;
      fc.assert(
        fc.property(caseFor[type], fc.boolean(), ({ object, contents }, standard) => {
          const body = standard
            ? { id: 'EVprop', type, timestamp: receivedAt, data: { resource: object } }
            : { id: 'EVprop', object: 'event', type, createdAt: receivedAt, data: { object } };
          const plan = planEventProcessing(JSON.stringify(body), family, receivedAt);
          if (plan.kind === 'rejected') {
            expect(plan.reason).toMatch(/^activity: missing-/);
            expect(contents).toEqual([]);
            return;
          }
          const kept = JSON.stringify(plan);
          for (const content of contents) expect(kept).toContain(content);
        }),
        { numRuns: 150 },
      );
    },
  );
});
