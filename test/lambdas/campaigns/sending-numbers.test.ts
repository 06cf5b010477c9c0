import { sendingNumberDay, sendingNumberRules } from '../../../lambdas/campaigns/domain/sending-numbers';

const number = { id: 'PNoffice', number: '+13125550100' }; // 312: Chicago
const campaign = (timeZone: string, dailyCap = 125) => ({ timeZone, dailyCap });
// 2026-06-02 03:30 UTC: June 1 in Chicago (22:30), June 2 in Tokyo and London.
const now = new Date('2026-06-02T03:30:00Z');

describe("a sending number's counter", () => {
  it('is keyed by the number’s id and counted in its area code’s day, whatever zone the campaign keeps', () => {
    const fromTokyo = sendingNumberDay(number, campaign('Asia/Tokyo'), {}, now);
    const fromLondon = sendingNumberDay(number, campaign('Europe/London'), {}, now);
    expect(fromTokyo).toEqual({
      counterKey: 'PNoffice',
      businessDay: '2026-06-01',
      zone: 'America/Chicago',
      cap: 125,
    });
    expect(fromLondon.businessDay).toBe(fromTokyo.businessDay);
  });

  it('takes the zone and cap the stage gives the number, by id or by number; a campaign may only lower the cap', () => {
    const rules = sendingNumberRules.parse({
      '+13125550100': { timeZone: 'America/New_York', dailyCap: 50 },
    });
    expect(sendingNumberDay(number, campaign('Asia/Tokyo', 125), rules, now)).toMatchObject({
      zone: 'America/New_York',
      businessDay: '2026-06-01',
      cap: 50,
    });
    expect(sendingNumberDay(number, campaign('Asia/Tokyo', 20), rules, now).cap).toBe(20);
    expect(sendingNumberDay(number, campaign('Asia/Tokyo'), { PNoffice: { dailyCap: 7 } }, now).cap).toBe(7);
  });

  it('falls back to the campaign’s zone for a number without a North American area code', () => {
    expect(
      sendingNumberDay({ id: 'PNuk', number: '+442079460958' }, campaign('Europe/London'), {}, now),
    ).toMatchObject({
      zone: 'Europe/London',
      businessDay: '2026-06-02',
    });
  });

  it('refuses a stage table with an unknown zone or a key that is not a number', () => {
    expect(sendingNumberRules.safeParse({ PNoffice: { timeZone: 'Mars/Base' } }).success).toBe(false);
    expect(sendingNumberRules.safeParse({ office: { dailyCap: 5 } }).success).toBe(false);
    expect(sendingNumberRules.safeParse({ PNoffice: { dailyCap: 0 } }).success).toBe(false);
  });
});
