import { benchConsent, scoreConsentRule } from '../../bench/consent';

describe('the consent bench section', () => {
  it('scores recall, false opt-outs and review coverage on labelled replies', () => {
    const replies = [
      { text: 'STOP', label: 'opt-out' as const },
      { text: 'stop please', label: 'opt-out' as const },
      { text: 'who is this? stop', label: 'review' as const },
      { text: 'end of the week', label: 'none' as const },
    ];
    const exact = (text: string) => (text === 'STOP' || text === 'end of the week' ? 'opt-out' : 'none');
    expect(scoreConsentRule(replies, exact)).toEqual({ recall: 50, falseOptOutRate: 50, reviewCoverage: 0 });
  });

  it('reports the rule on the corpus: every plain opt-out, no false one', () => {
    const [recall, falseRate] = benchConsent();
    expect(recall).toMatchObject({ section: 'consent', value: 100 });
    expect(falseRate?.value).toBe(0);
    expect(recall!.baseline).toBeLessThan(100);
  });
});
