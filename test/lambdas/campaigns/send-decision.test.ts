import {
  decideSend,
  isAbandoned,
  parseCampaignDefinition,
  renderRecipientMessage,
  type CampaignDefinition,
  type CampaignDefinitionInput,
  type SendFacts,
} from '../../../lambdas/campaigns';

function definition(overrides: Partial<CampaignDefinitionInput> = {}): CampaignDefinition {
  const parsed = parseCampaignDefinition({
    name: 'Spring offer',
    sendingNumber: 'PNsender1',
    variants: [{ id: 'a', template: 'Hi {{firstName|there}}, spring offer inside' }],
    timeZone: 'America/New_York',
    ...overrides,
  });
  if (parsed.kind !== 'valid') throw new Error(parsed.problems.join('; '));
  return parsed.definition;
}

/** 16:00 in New York, 13:00 in Los Angeles. */
const afternoonInNewYork = new Date('2026-06-08T20:00:00Z');

function facts(overrides: Partial<SendFacts> = {}): SendFacts {
  return {
    campaignId: 'cmp-1',
    definition: definition(),
    recipient: { phone: '+12125550123', fields: { firstName: 'Ada' } },
    suppressed: false,
    sentToday: 0,
    now: afternoonInNewYork,
    ...overrides,
  };
}

describe('deciding a send', () => {
  it('sends the rendered variant inside the window, under the cap, to a number not suppressed', () => {
    expect(decideSend(facts())).toEqual({
      kind: 'send',
      variantId: 'a',
      content: 'Hi Ada, spring offer inside',
    });
  });

  it('skips a suppressed number, whatever the hour or the cap', () => {
    const night = new Date('2026-06-09T04:00:00Z');
    expect(decideSend(facts({ suppressed: true, now: night, sentToday: 999 }))).toEqual({
      kind: 'skip',
      reason: 'suppressed',
      variantId: 'a',
    });
  });

  it('waits for the next business day once the cap is reached', () => {
    const decision = decideSend(facts({ sentToday: 125 }));
    expect(decision).toEqual({
      kind: 'wait-until',
      reason: 'daily-cap-reached',
      at: new Date('2026-06-09T04:00:00Z'),
    });
  });

  it('honours a campaign cap below the default', () => {
    expect(decideSend(facts({ definition: definition({ dailyCap: 3 }), sentToday: 3 })).kind).toBe(
      'wait-until',
    );
    expect(decideSend(facts({ definition: definition({ dailyCap: 3 }), sentToday: 2 })).kind).toBe('send');
  });

  it("waits for the recipient's own morning, judged by the area code", () => {
    // 07:30 in Los Angeles is 10:30 in New York: the business is open, the recipient is not.
    const earlyInLosAngeles = new Date('2026-06-08T14:30:00Z');
    const decision = decideSend(
      facts({ recipient: { phone: '+13105550123', fields: {} }, now: earlyInLosAngeles }),
    );
    expect(decision).toEqual({
      kind: 'wait-until',
      reason: 'quiet-hours',
      at: new Date('2026-06-08T15:00:00Z'),
    });
  });

  it('skips a recipient whose message cannot be rendered rather than sending "Hi ,"', () => {
    const decision = decideSend(
      facts({
        definition: definition({ variants: [{ id: 'a', template: 'Hi {{firstName}}' }] }),
        recipient: { phone: '+12125550123', fields: {} },
      }),
    );
    expect(decision).toMatchObject({ kind: 'skip', reason: 'unrenderable' });
  });

  it('renders the same content for the same recipient every time (reconciliation compares it)', () => {
    const d = definition({
      variants: [
        { id: 'a', template: 'A {{firstName}}' },
        { id: 'b', template: 'B {{firstName}}' },
      ],
    });
    const recipient = { phone: '+12125550188', fields: { firstName: 'Bo' } };
    const first = renderRecipientMessage('cmp-1', d, recipient);
    expect(renderRecipientMessage('cmp-1', d, recipient)).toEqual(first);
    const decision = decideSend(facts({ definition: d, recipient }));
    expect(decision.kind === 'send' && first.kind === 'rendered' && decision.content).toBe(
      first.kind === 'rendered' && first.text,
    );
  });
});

describe('abandoned claims', () => {
  it('are those untouched for at least the stale period', () => {
    const now = new Date('2026-06-08T20:10:00Z');
    expect(isAbandoned('2026-06-08T20:04:59Z', now, 5 * 60_000)).toBe(true);
    expect(isAbandoned('2026-06-08T20:05:01Z', now, 5 * 60_000)).toBe(false);
  });
});
