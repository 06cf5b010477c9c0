import {
  defaultSendingWindow,
  defaultStateSendingRules,
  nextWindowOpeningEverywhere,
  sendingRulesFor,
  stateSendingRules,
} from '../../../lambdas/campaigns/domain/quiet-hours';
import { decideSend } from '../../../lambdas/campaigns/domain/send-decision';
import { campaignDefinition } from '../../../lambdas/campaigns';

const definition = campaignDefinition.parse({
  name: 'Weekend offer',
  sendingNumber: 'PN123abc',
  variants: [{ id: 'a', template: 'Hi' }],
  timeZone: 'America/New_York',
});
const decide = (phone: string, at: string) =>
  decideSend({
    campaignId: 'cmp',
    definition,
    recipient: { phone, fields: {} },
    suppressed: false,
    sentToday: 0,
    now: new Date(at),
  });

describe("states' own days and hours", () => {
  it('sends nothing to Louisiana, Mississippi, Alabama or Rhode Island on a Sunday, and waits for Monday', () => {
    // Sunday 2026-06-07, 14:00 Central.
    for (const phone of ['+15045550100', '+16015550100', '+12055550100']) {
      expect(decide(phone, '2026-06-07T19:00:00Z')).toEqual({
        kind: 'wait-until',
        at: new Date('2026-06-08T13:00:00Z'), // Monday 08:00 Central
        reason: 'quiet-hours',
      });
    }
    // Rhode Island, Sunday 14:00 Eastern: Monday 09:00 Eastern.
    expect(decide('+14015550100', '2026-06-07T18:00:00Z')).toMatchObject({
      at: new Date('2026-06-08T13:00:00Z'),
    });
  });

  it("keeps Texas's Sunday from noon and Rhode Island's Saturday from 10:00 to 17:00", () => {
    // Sunday 2026-06-07 10:00 Central in Dallas: waits for noon.
    expect(decide('+12145550100', '2026-06-07T15:00:00Z')).toMatchObject({
      at: new Date('2026-06-07T17:00:00Z'),
    });
    expect(decide('+12145550100', '2026-06-07T17:30:00Z')).toMatchObject({ kind: 'send' });
    // Saturday 2026-06-06 17:30 Eastern in Providence: past Saturday's close, Sunday none, so Monday 09:00.
    expect(decide('+14015550100', '2026-06-06T21:30:00Z')).toMatchObject({
      at: new Date('2026-06-08T13:00:00Z'),
    });
    // The same hour on a Friday is inside the weekday window (09:00–18:00).
    expect(decide('+14015550100', '2026-06-05T21:30:00Z')).toMatchObject({ kind: 'send' });
  });

  it("narrows a weekend day's window by the campaign's own", () => {
    const rules = sendingRulesFor('+12145550100', { start: '13:00', end: '17:00' }, 'UTC');
    expect(rules.weekend).toEqual({ sunday: { start: '13:00', end: '17:00' } });
    const sunday = new Date('2026-06-07T15:00:00Z');
    expect(nextWindowOpeningEverywhere(sunday, rules.zones, rules.window, rules.weekend)).toEqual(
      new Date('2026-06-07T18:00:00Z'),
    );
  });

  it('leaves days without a rule of their own to the main window', () => {
    expect(sendingRulesFor('+12125550100', defaultSendingWindow, 'UTC').weekend).toEqual({});
  });

  it('validates a stage table: a weekend window outside the law or a misspelt day is refused', () => {
    expect(stateSendingRules.safeParse({ TX: { sunday: { start: '07:00', end: '21:00' } } }).success).toBe(
      false,
    );
    expect(stateSendingRules.safeParse({ TX: { sunday: 'closed' } }).success).toBe(false);
    expect(stateSendingRules.safeParse(defaultStateSendingRules).success).toBe(true);
  });
});
