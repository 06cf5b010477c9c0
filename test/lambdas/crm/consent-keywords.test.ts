import {
  classifyConsentKeyword,
  helpKeywords,
  optInKeywords,
  optOutKeywords,
} from '../../../lambdas/crm/domain/consent-keywords';
import { suppressionChangeOf } from '../../../lambdas/crm/domain/suppression';

describe('consent keywords', () => {
  it.each(optOutKeywords)('%s opts out, in any case and with surrounding spaces', (keyword) => {
    expect(classifyConsentKeyword(keyword)).toBe('opt-out');
    expect(classifyConsentKeyword(`  ${keyword.toLowerCase()}\n`)).toBe('opt-out');
  });

  it.each(optInKeywords)('%s opts back in', (keyword) => {
    expect(classifyConsentKeyword(keyword.toLowerCase())).toBe('opt-in');
  });

  it.each(helpKeywords)('%s asks for help', (keyword) => {
    expect(classifyConsentKeyword(keyword)).toBe('help');
  });

  it.each(['stop please', 'STOP!', 'don’t stop', '', 'yes sir'])('%p is not a keyword', (text) => {
    expect(classifyConsentKeyword(text)).toBeUndefined();
  });

  it('has nothing to classify without text', () => {
    expect(classifyConsentKeyword(undefined)).toBeUndefined();
  });

  it('turns an opt-out into an added suppression and an opt-in into a lifted one; help changes nothing', () => {
    const base = { phoneNumber: '+15552223333', messageId: 'AC1', at: '2026-11-20T10:00:00.000Z' };
    expect(suppressionChangeOf({ ...base, keyword: 'opt-out' })).toEqual({
      action: 'add',
      phoneNumber: base.phoneNumber,
      reason: 'opt-out',
      at: base.at,
      reference: 'AC1',
    });
    expect(suppressionChangeOf({ ...base, keyword: 'opt-in' })?.action).toBe('remove');
    expect(suppressionChangeOf({ ...base, keyword: 'help' })).toBeUndefined();
  });
});
