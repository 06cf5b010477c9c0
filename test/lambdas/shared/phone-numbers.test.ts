import { maskPhoneNumber, normalisePhoneNumber, toE164 } from '../../../lambdas/shared/phone-numbers';

describe('phone numbers', () => {
  it.each([
    ['+15552223333', '+15552223333'],
    ['(555) 222-3333', '+15552223333'],
    ['1 555 222 3333', '+15552223333'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('%s is %s in E.164', (raw, e164) => {
    expect(toE164(raw)).toEqual({ ok: true, e164 });
  });

  it('reads national numbers in the given country', () => {
    expect(toE164('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
  });

  it('gives a reason for what is not a phone number', () => {
    expect(toE164('')).toEqual({ ok: false, reason: 'empty phone number' });
    expect(toE164('anonymous')).toEqual({ ok: false, reason: 'not a possible phone number' });
  });

  it('keeps a non-number as given when normalising', () => {
    expect(normalisePhoneNumber(' 72345 ')).toBe('72345');
  });

  it('masks to the last four digits for logs', () => {
    expect(maskPhoneNumber('+15552223333')).toBe('…3333');
  });
});
