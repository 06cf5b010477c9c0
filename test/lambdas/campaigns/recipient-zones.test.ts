import { importRecipients } from '../../../lambdas/campaigns/domain/recipients';
import { recipientZone } from '../../../lambdas/campaigns/domain/recipient-zones';
import { defaultSendingWindow, sendingRulesFor } from '../../../lambdas/campaigns/domain/quiet-hours';

describe("a recipient's clock outside North America", () => {
  it.each([
    ['a UK mobile', '+447911123456', 'Europe/'],
    ['a French mobile', '+33612345678', 'Europe/Paris'],
    ['an Indian mobile', '+919876543210', 'Asia/Kolkata'],
    ['a German mobile (Büsingen keeps the same clock)', '+4915123456789', 'Europe/Berlin'],
  ])('%s is judged by its country’s one clock, not the business’s', (_, phone, zone) => {
    const place = recipientZone(phone);
    expect(place).toMatchObject({ kind: 'zone' });
    expect((place as { zone: string }).zone.startsWith(zone)).toBe(true);
    expect(sendingRulesFor(phone, defaultSendingWindow, 'America/Los_Angeles').zones).toEqual([
      (place as { zone: string }).zone,
    ]);
  });

  it.each([
    ['Spain (the Canaries)', '+34612345678', 'Atlantic/Canary'],
    ['Australia', '+61412345678', 'Australia/Perth'],
    ['Portugal (the Azores)', '+351912345678', 'Atlantic/Azores'],
  ])(
    '%s has several clocks: ambiguous without a zone, judged by all of them at send time',
    (_, phone, one) => {
      const place = recipientZone(phone);
      expect(place).toMatchObject({ kind: 'ambiguous' });
      expect((place as { zones: string[] }).zones).toContain(one);
      expect(sendingRulesFor(phone, defaultSendingWindow, 'UTC').zones).toEqual(
        (place as { zones: string[] }).zones,
      );
    },
  );

  it('takes the zone a recipient file gives, for any number, and refuses one that does not exist', () => {
    expect(recipientZone('+61412345678', { timeZone: 'Australia/Perth' })).toEqual({
      kind: 'zone',
      zone: 'Australia/Perth',
    });
    expect(
      sendingRulesFor('+61412345678', defaultSendingWindow, 'UTC', {}, { timeZone: 'Australia/Perth' }).zones,
    ).toEqual(['Australia/Perth']);
    expect(recipientZone('+447911123456', { timeZone: 'Mars/Olympus' })).toEqual({
      kind: 'unknown-zone',
      zone: 'Mars/Olympus',
    });
  });

  it('leaves North American numbers to their area code, and numbers of no country to the business', () => {
    expect(recipientZone('+12125550100')).toEqual({ kind: 'area-code' });
    expect(sendingRulesFor('+12125550100', defaultSendingWindow, 'UTC').zones).toEqual(['America/New_York']);
    expect(sendingRulesFor('+80012345678', defaultSendingWindow, 'Europe/Oslo').zones).toEqual([
      'Europe/Oslo',
    ]);
  });

  it('refuses at import a row whose clock cannot be known, naming the reason, and keeps the others', () => {
    const result = importRecipients(
      [
        'phone,firstName,timeZone',
        '+34612345678,Ana,',
        '+34612345679,Luis,Atlantic/Canary',
        '+33612345678,Zoé,Mars/Base',
        '+447911123456,Jo,',
      ].join('\n'),
    );
    if (result.kind !== 'imported') throw new Error(result.kind);
    expect(result.recipients.map((r) => r.phone)).toEqual(['+34612345679', '+447911123456']);
    expect(result.invalidRows).toEqual([
      { row: 2, reason: 'ambiguous-time-zone', detail: expect.stringContaining('ES: ') },
      { row: 4, reason: 'unknown-time-zone', detail: 'Mars/Base' },
    ]);
  });
});
