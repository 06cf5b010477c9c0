import {
  decideSend,
  parseCampaignDefinition,
  type CampaignDefinition,
  type SendFacts,
} from '../../../lambdas/campaigns';
import { spanningAreaCodes, stateOfAreaCode } from '../../../lambdas/campaigns/domain/area-code-zones';
import {
  defaultSendingWindow,
  isWithinSendingWindowEverywhere,
  nextWindowOpeningEverywhere,
  recipientCapResumesAt,
  sendingRulesFor,
  stateSendingRules,
} from '../../../lambdas/campaigns/domain/quiet-hours';
import { isValidTimeZone } from '../../../lambdas/shared/zoned-time';

const at = (iso: string) => new Date(iso);
const panhandle = '+18505550100'; // 850: Central and Eastern, Florida
const easternOregon = '+15415550100'; // 541: Pacific and Mountain, Oregon
const northernArizona = '+19285550100'; // 928: Arizona (no DST) and the Navajo Nation (DST)

function opening(phone: string, now: Date) {
  const rules = sendingRulesFor(phone, defaultSendingWindow, 'America/New_York');
  return nextWindowOpeningEverywhere(now, rules.zones, rules.window);
}

describe('quiet hours in every zone of an area code', () => {
  it('waits for 08:00 in the westernmost zone of the Florida panhandle, before and after DST begins', () => {
    // Friday 6 March 2026 (standard time): 08:30 in Tallahassee is 07:30 in Pensacola.
    expect(opening(panhandle, at('2026-03-06T13:30:00Z'))).toEqual(at('2026-03-06T14:00:00Z'));
    // Monday 9 March 2026 (daylight time since the 8th): the same wait, one hour earlier in UTC.
    expect(opening(panhandle, at('2026-03-09T12:30:00Z'))).toEqual(at('2026-03-09T13:00:00Z'));
  });

  it("stops at 20:00 in the easternmost zone of the panhandle: Florida's window", () => {
    const rules = sendingRulesFor(panhandle, defaultSendingWindow, 'UTC');
    expect(rules.state).toBe('FL');
    expect(rules.window).toEqual({ start: '08:00', end: '20:00' });
    // 19:59 EDT / 18:59 CDT: open; 20:00 EDT: closed although Pensacola's clock reads 19:00.
    expect(isWithinSendingWindowEverywhere(at('2026-07-01T23:59:00Z'), rules.zones, rules.window)).toBe(true);
    expect(isWithinSendingWindowEverywhere(at('2026-07-02T00:00:00Z'), rules.zones, rules.window)).toBe(
      false,
    );
    expect(opening(panhandle, at('2026-07-02T00:00:00Z'))).toEqual(at('2026-07-02T13:00:00Z'));
  });

  it('waits for the Pacific side of eastern Oregon across the end of DST', () => {
    // Friday 30 October 2026, daylight time: 08:00 PDT is 09:00 MDT: open.
    expect(opening(easternOregon, at('2026-10-30T15:00:00Z'))).toEqual(at('2026-10-30T15:00:00Z'));
    // Monday 2 November 2026, standard time: 15:30Z is 07:30 PST: wait for 16:00Z.
    expect(opening(easternOregon, at('2026-11-02T15:30:00Z'))).toEqual(at('2026-11-02T16:00:00Z'));
  });

  it('closes northern Arizona an hour earlier in summer, when the Navajo Nation is on daylight time', () => {
    const rules = sendingRulesFor(northernArizona, defaultSendingWindow, 'UTC');
    // 03:30Z: 20:30 in Phoenix all year; in July 21:30 in the Navajo Nation, in January 20:30.
    expect(isWithinSendingWindowEverywhere(at('2026-07-02T03:30:00Z'), rules.zones, rules.window)).toBe(
      false,
    );
    expect(isWithinSendingWindowEverywhere(at('2026-01-16T03:30:00Z'), rules.zones, rules.window)).toBe(true);
  });

  it('says there is no time at all when the window is shorter than the zones are apart', () => {
    const rules = sendingRulesFor('+18675550100', { start: '08:00', end: '09:00' }, 'UTC');
    expect(rules.zones.length).toBeGreaterThan(2);
    expect(
      nextWindowOpeningEverywhere(at('2026-07-01T12:00:00Z'), rules.zones, rules.window),
    ).toBeUndefined();
  });

  it('lists real zones for every spanning area code, its table zone first, each with a state', () => {
    for (const [areaCode, zones] of Object.entries(spanningAreaCodes())) {
      expect(zones.length).toBeGreaterThan(1);
      for (const zone of zones) expect(isValidTimeZone(zone)).toBe(true);
      expect(stateOfAreaCode(areaCode)).toMatch(/^[A-Z]{2}$/);
    }
  });
});

describe("states' rules", () => {
  it('allows a third message in 24 hours in Florida and holds the fourth until the oldest ages out', () => {
    const now = at('2026-05-01T18:00:00Z');
    const two = ['2026-04-30T19:00:00Z', '2026-05-01T12:00:00Z'];
    expect(recipientCapResumesAt(now, two, 3)).toBeUndefined();
    const three = [...two, '2026-05-01T15:00:00Z'];
    expect(recipientCapResumesAt(now, three, 3)).toEqual(at('2026-05-01T19:00:00Z'));
    // Older than 24 h: not counted.
    expect(recipientCapResumesAt(now, ['2026-04-29T10:00:00Z', ...two], 3)).toBeUndefined();
  });

  it('refuses a state window wider than the federal one, and a lowercase state', () => {
    expect(stateSendingRules.safeParse({ TX: { window: { start: '07:00', end: '21:00' } } }).success).toBe(
      false,
    );
    expect(stateSendingRules.safeParse({ tx: { maxMessagesPer24h: 2 } }).success).toBe(false);
    expect(stateSendingRules.safeParse({ TX: { window: { start: '09:00', end: '20:00' } } }).success).toBe(
      true,
    );
  });
});

describe('the send decision with place and state', () => {
  function definition(): CampaignDefinition {
    const parsed = parseCampaignDefinition({
      name: 'Spring',
      sendingNumber: 'PNsender1',
      variants: [{ id: 'a', template: 'Hi there' }],
      timeZone: 'America/New_York',
    });
    if (parsed.kind !== 'valid') throw new Error(parsed.problems.join('; '));
    return parsed.definition;
  }
  const facts = (overrides: Partial<SendFacts>): SendFacts => ({
    campaignId: 'cmp-1',
    definition: definition(),
    recipient: { phone: '+13055550100', fields: {} }, // Miami
    suppressed: false,
    sentToday: 0,
    now: at('2026-06-09T00:30:00Z'), // 20:30 in Miami
    ...overrides,
  });

  it('holds a Miami message at 20:30 under the default table, and sends it with no state rules', () => {
    expect(decideSend(facts({}))).toEqual({
      kind: 'wait-until',
      at: at('2026-06-09T12:00:00Z'),
      reason: 'quiet-hours',
    });
    expect(decideSend(facts({ stateRules: {} })).kind).toBe('send');
  });

  it('holds a fourth message to a Florida number within 24 hours', () => {
    const noon = at('2026-06-08T16:00:00Z');
    const recentSends = ['2026-06-08T13:00:00Z', '2026-06-08T14:00:00Z', '2026-06-08T15:00:00Z'];
    expect(decideSend(facts({ now: noon, recentSends }))).toEqual({
      kind: 'wait-until',
      at: at('2026-06-09T13:00:00Z'),
      reason: 'state-24h-cap',
    });
    expect(
      decideSend(facts({ now: noon, recentSends, recipient: { phone: '+12125550100', fields: {} } })).kind,
    ).toBe('send');
  });
});
