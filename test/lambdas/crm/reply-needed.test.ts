import corpus from '../../fixtures/reply-needed.json';
import { replyNeedOf } from '../../../lambdas/crm/domain/reply-needed';

describe('which inbound texts need an answer from the office', () => {
  it.each(corpus.noAnswer)('%p needs no answer', (text) => {
    expect(replyNeedOf(text).needsAnswer).toBe(false);
  });

  it.each(corpus.needsAnswer)('%p needs an answer', (text) => {
    expect(replyNeedOf(text).needsAnswer).toBe(true);
  });

  it('says why a text needs none', () => {
    expect(replyNeedOf('STOP')).toEqual({ needsAnswer: false, reason: 'opt-out' });
    expect(replyNeedOf('Thanks!')).toEqual({ needsAnswer: false, reason: 'acknowledgement' });
    expect(replyNeedOf('Liked “See you at 9”')).toEqual({ needsAnswer: false, reason: 'reaction' });
    expect(replyNeedOf('Auto-reply: back Monday')).toEqual({ needsAnswer: false, reason: 'auto-reply' });
  });

  it('a message with no text (a photo) needs an answer', () => {
    expect(replyNeedOf(undefined).needsAnswer).toBe(true);
    expect(replyNeedOf('   ').needsAnswer).toBe(true);
  });
});
