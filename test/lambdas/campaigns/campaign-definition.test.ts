import {
  parseCampaignDefinition,
  type CampaignDefinitionInput,
} from '../../../lambdas/campaigns/domain/campaign-definition';

const aCampaign = (overrides: Partial<CampaignDefinitionInput> = {}): CampaignDefinitionInput => ({
  name: 'Spring sale',
  sendingNumber: 'PN123abc',
  variants: [
    { id: 'A', template: 'Hi {{firstName|there}}, 20% off this week.', weight: 1 },
    { id: 'B', template: 'Hi {{firstName|there}}! Spring sale: 20% off.', weight: 1 },
  ],
  timeZone: 'America/New_York',
  ...overrides,
});

function problemsOf(input: unknown): string[] {
  const result = parseCampaignDefinition(input);
  if (result.kind !== 'invalid') throw new Error('expected the definition to be refused');
  return result.problems;
}

describe('parseCampaignDefinition', () => {
  it('accepts a complete campaign and fills in the default window and cap', () => {
    const result = parseCampaignDefinition(aCampaign());
    expect(result).toMatchObject({
      kind: 'valid',
      definition: { window: { start: '08:00', end: '21:00' }, dailyCap: 125, markConversationDone: true },
    });
  });

  it('keeps conversations open when the campaign says so, and refuses a value that is not a boolean', () => {
    expect(parseCampaignDefinition(aCampaign({ markConversationDone: false }))).toMatchObject({
      definition: { markConversationDone: false },
    });
    expect(problemsOf({ ...aCampaign(), markConversationDone: 'no' })).toEqual([
      'markConversationDone: must be true or false',
    ]);
  });

  it('accepts an E.164 sending number as well as a PN id', () => {
    expect(parseCampaignDefinition(aCampaign({ sendingNumber: '+12125550100' })).kind).toBe('valid');
  });

  it('gives a variant without a weight weight 1', () => {
    const result = parseCampaignDefinition(aCampaign({ variants: [{ id: 'only', template: 'Hello' }] }));
    expect(result).toMatchObject({ kind: 'valid', definition: { variants: [{ id: 'only', weight: 1 }] } });
  });

  it('keeps a narrower window and a custom cap', () => {
    const result = parseCampaignDefinition(
      aCampaign({ window: { start: '09:00', end: '20:00' }, dailyCap: 50 }),
    );
    expect(result).toMatchObject({ definition: { window: { start: '09:00', end: '20:00' }, dailyCap: 50 } });
  });

  it('says "is required" for each missing field', () => {
    expect(problemsOf({})).toEqual([
      'name: is required',
      'sendingNumber: is required',
      'variants: is required',
      'timeZone: is required',
    ]);
  });

  it('says what kind of value a field takes when given the wrong kind', () => {
    expect(problemsOf({ ...aCampaign(), name: 42, variants: 'A' })).toEqual([
      'name: must be text',
      'variants: must be a list',
    ]);
  });

  it('explains a bad sending number', () => {
    expect(problemsOf(aCampaign({ sendingNumber: '212-555-0100' }))).toEqual([
      'sendingNumber: must be an OpenPhone phone number id (PN…) or an E.164 number (+15551234567)',
    ]);
  });

  it('names the variant and field of each problem', () => {
    expect(
      problemsOf(
        aCampaign({
          variants: [
            { id: 'A', template: 'Hi {{first name}}', weight: 1 },
            { id: 'B', template: '   ', weight: 0 },
          ],
        }),
      ),
    ).toEqual([
      'variants.0.template: malformed placeholder "{{first name}}" at character 4: write {{fieldName}} or {{fieldName|default}}',
      'variants.1.template: must not be blank',
      'variants.1.weight: must be at least 1',
    ]);
  });

  it('refuses fractional weights', () => {
    expect(problemsOf(aCampaign({ variants: [{ id: 'A', template: 'x', weight: 1.5 }] }))).toEqual([
      'variants.0.weight: must be a whole number',
    ]);
  });

  it('refuses a template over 1600 characters', () => {
    expect(problemsOf(aCampaign({ variants: [{ id: 'A', template: 'a'.repeat(1601) }] }))).toEqual([
      "variants.0.template: must be at most 1600 characters (OpenPhone's limit)",
    ]);
  });

  it('refuses repeated variant ids', () => {
    const variants = [
      { id: 'A', template: 'one' },
      { id: 'A', template: 'two' },
    ];
    expect(problemsOf(aCampaign({ variants }))).toEqual(['variants: variant ids must be unique: A']);
  });

  it('refuses a campaign without variants', () => {
    expect(problemsOf(aCampaign({ variants: [] }))).toEqual([
      'variants: a campaign needs at least one variant',
    ]);
  });

  it('refuses an unknown time zone', () => {
    expect(problemsOf(aCampaign({ timeZone: 'Eastern' }))).toEqual([
      'timeZone: must be an IANA time zone, e.g. America/New_York',
    ]);
  });

  it('refuses a window wider than the law allows', () => {
    expect(problemsOf(aCampaign({ window: { start: '07:30', end: '21:00' } }))).toEqual([
      'window: must lie within 08:00–21:00 recipient local time (TCPA)',
    ]);
  });

  it('refuses a cap below one', () => {
    expect(problemsOf(aCampaign({ dailyCap: 0 }))).toEqual(['dailyCap: must be at least 1']);
  });

  it('refuses a blank name', () => {
    expect(problemsOf(aCampaign({ name: '   ' }))).toEqual(['name: must not be blank']);
  });

  it('reports a value that is not an object at all', () => {
    expect(problemsOf('campaign')).toHaveLength(1);
  });
});
