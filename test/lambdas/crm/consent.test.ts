import corpus from '../../fixtures/consent-replies.json';
import {
  asksToReplyYes,
  classifyReply,
  consentClasses,
  maskedExcerpt,
  normaliseReply,
  type ConsentClass,
} from '../../../lambdas/crm/domain/consent';
import { suppressionChangeOf, yesAnswersPrompt } from '../../../lambdas/crm/domain/suppression';

const replies = corpus.replies as { text: string; label: ConsentClass }[];
const labelled = (label: ConsentClass) => replies.filter((r) => r.label === label).map((r) => r.text);

describe('the labelled consent corpus', () => {
  it('holds at least 150 replies, each with a known label, and every kind of case', () => {
    expect(replies.length).toBeGreaterThanOrEqual(150);
    for (const reply of replies) expect(consentClasses).toContain(reply.label);
    for (const label of ['opt-out', 'review', 'none', 'opt-in', 'help'] as const)
      expect(labelled(label).length).toBeGreaterThan(0);
  });

  it.each(labelled('opt-out'))('%p is an opt-out', (text) => {
    expect(classifyReply(text).kind).toBe('opt-out');
  });

  it.each(labelled('review'))('%p is held for review as a possible opt-out', (text) => {
    expect(classifyReply(text).kind).toBe('review');
  });

  it.each(labelled('none'))('%p says nothing about consent', (text) => {
    expect(classifyReply(text).kind).toBe('none');
  });

  it.each([...labelled('opt-in'), ...labelled('yes'), ...labelled('help')])(
    '%p is read as labelled',
    (text) => {
      const { label } = replies.find((r) => r.text === text)!;
      expect(classifyReply(text).kind).toBe(label);
    },
  );

  it('recognises every plain opt-out and reads nothing else as one', () => {
    const optOuts = replies.filter((r) => classifyReply(r.text).kind === 'opt-out');
    expect(optOuts.filter((r) => r.label !== 'opt-out')).toEqual([]);
    expect(optOuts).toHaveLength(labelled('opt-out').length);
  });
});

describe('a reply that opens with an opt-out command', () => {
  const commands = [
    'stop',
    'Remove',
    'please unsubscribe',
    'Cancel',
    'quit sending',
    'End',
    'can you delete',
    'Erase',
  ];
  const objects = [
    'my grandsons old flip phone off',
    'whatever this is',
    'the 2 lines on my account',
    'that jazz',
    'everything from whoever this is',
  ];
  const replies = commands.flatMap((verb) => objects.map((object) => `${verb} ${object}`));

  it.each(replies)('%p is an opt-out or held for review, never nothing', (text) => {
    expect(['opt-out', 'review']).toContain(classifyReply(text).kind);
  });

  it('is a plain opt-out only when what follows names messages or this number', () => {
    expect(classifyReply('Stop sending me these promos')).toEqual({ kind: 'opt-out', matched: 'stop …' });
    expect(classifyReply('please remove my husbands cell')).toEqual({ kind: 'review', matched: 'remove …' });
  });

  it.each(['stop by tomorrow at 3?', 'end of day works', 'can you remove the old water heater too'])(
    '%p is never a hard opt-out',
    (text) => expect(classifyReply(text).kind).not.toBe('opt-out'),
  );
});

describe('normalising a reply', () => {
  it('folds full-width letters and case, drops zero-width characters, punctuation and emoji', () => {
    expect(normaliseReply('ＳＴＯＰ')).toBe('stop');
    expect(normaliseReply('st\u200bop\u2060!')).toBe('stop');
    expect(normaliseReply('  Stop,   please!! 🛑 ')).toBe('stop please');
    expect(normaliseReply('Don’t text me')).toBe('dont text me');
    expect(normaliseReply('Opt-out')).toBe('opt out');
  });
});

describe('configured opt-in words', () => {
  it('lift an opt-out like START; without configuration they mean nothing', () => {
    expect(classifyReply('JOIN', { extraOptInWords: ['join'] }).kind).toBe('opt-in');
    expect(classifyReply('JOIN').kind).toBe('none');
  });
});

describe('asking to reply YES', () => {
  it.each(['Reply YES to keep getting our offers', 'Text "Y" to confirm', 'Please respond with YES.'])(
    '%p asks for a YES',
    (text) => expect(asksToReplyYes(text)).toBe(true),
  );
  it.each(['Can we come Tuesday?', 'Yes, we are open', 'Reply STOP to opt out', undefined])(
    '%p does not',
    (text) => expect(asksToReplyYes(text)).toBe(false),
  );

  it('lets a YES answer a prompt only within the window after it', () => {
    const prompt = '2026-11-20T10:00:00.000Z';
    expect(yesAnswersPrompt(prompt, '2026-11-20T11:00:00.000Z', 24)).toBe(true);
    expect(yesAnswersPrompt(prompt, '2026-11-21T10:00:01.000Z', 24)).toBe(false);
    expect(yesAnswersPrompt(prompt, '2026-11-20T09:59:00.000Z', 24)).toBe(false);
    expect(yesAnswersPrompt(undefined, '2026-11-20T11:00:00.000Z', 24)).toBe(false);
  });
});

describe('the suppression a reply makes', () => {
  const consent = (keyword: 'opt-out' | 'review' | 'opt-in' | 'yes' | 'help') => ({
    keyword,
    phoneNumber: '+15551230000',
    messageId: 'AC1',
    at: '2026-11-20T10:00:00.000Z',
  });

  it('an opt-out adds opt-out, a possible one adds review', () => {
    expect(suppressionChangeOf(consent('opt-out'))).toMatchObject({ action: 'add', reason: 'opt-out' });
    expect(suppressionChangeOf(consent('review'))).toMatchObject({ action: 'add', reason: 'review' });
  });

  it('an opt-in lifts only the opt-out reason; a YES only when it answered a prompt', () => {
    expect(suppressionChangeOf(consent('opt-in'))).toMatchObject({ action: 'remove', reason: 'opt-out' });
    expect(suppressionChangeOf(consent('yes'))).toBeUndefined();
    expect(suppressionChangeOf(consent('yes'), { yesAnswered: true })).toMatchObject({
      action: 'remove',
      reason: 'opt-out',
    });
    expect(suppressionChangeOf(consent('help'))).toBeUndefined();
  });
});

describe('the audit excerpt', () => {
  it('is short and holds no digits', () => {
    expect(maskedExcerpt('STOP texting 555-123-4567 now please, I mean it, really I do mean it')).toBe(
      'STOP texting •••-•••-•••• now please, I…',
    );
    expect(maskedExcerpt(undefined)).toBeUndefined();
  });
});
