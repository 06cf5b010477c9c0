import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredCampaign } from '../../lambdas/campaigns/adapters/campaign-repository';
import { campaignDefinition, type CampaignDefinitionInput } from '../../lambdas/campaigns';
import { previewLines } from '../../cli/commands/campaigns-preview';
import { significanceLines, statusLines, type VariantReportRow } from '../../cli/commands/campaigns-status';
import { progressBar } from '../../cli/progress-bar';
import { runAgainst, testTarget } from '../support/cli';

const definition = (input: Partial<CampaignDefinitionInput> = {}) =>
  campaignDefinition.parse({
    name: 'Spring sale',
    sendingNumber: 'PN123abc',
    variants: [{ id: 'A', template: 'Hi {{firstName}}, 20% off this week.' }],
    timeZone: 'America/New_York',
    ...input,
  });

const row = (variantId: string, counts: Partial<VariantReportRow> = {}): VariantReportRow => ({
  variantId,
  weight: 1,
  sent: 0,
  delivered: 0,
  failed: 0,
  replied: 0,
  optedOut: 0,
  sendFailed: 0,
  skipped: 0,
  ...counts,
});

describe('progressBar', () => {
  it('fills in proportion, and is full only when everything is done', () => {
    expect(progressBar(5, 10, 10)).toBe('[#####-----]  50%  5/10');
    expect(progressBar(999, 1000, 10)).toBe('[#########-]  99%  999/1000');
    expect(progressBar(1000, 1000, 10)).toBe('[##########] 100%  1000/1000');
    expect(progressBar(0, 3, 4)).toBe('[----]   0%  0/3');
  });

  it('shows an empty campaign as done and never overflows', () => {
    expect(progressBar(0, 0, 4)).toBe('[####] 100%  0/0');
    expect(progressBar(7, 5, 5)).toBe('[#####] 100%  5/5');
  });

  it('refuses counts that are not whole and non-negative', () => {
    expect(() => progressBar(-1, 5)).toThrow(RangeError);
    expect(() => progressBar(1.5, 5)).toThrow(RangeError);
    expect(() => progressBar(1, 5, 0)).toThrow(RangeError);
  });
});

describe('campaign preview lines', () => {
  const preview = (phone: string, firstName: string) =>
    previewLines('cmp-1', definition(), { phone, fields: { firstName } });

  it('shows the masked number, variant, length, segments and encoding, then the text', () => {
    const rendered = preview('+12125550100', 'Ann');
    expect(rendered).toEqual({
      sendable: true,
      lines: ['…0100  variant A  26 characters, 1 segment (GSM-7)', '    Hi Ann, 20% off this week.'],
    });
  });

  it('counts a character outside GSM-7 as UCS-2, and long texts in several segments', () => {
    const ucs = preview('+13125550188', 'Zoë');
    expect(ucs.lines[0]).toBe('…0188  variant A  26 characters, 1 segment (UCS-2)');
    const long = preview('+13125550188', 'x'.repeat(140));
    expect(long.lines[0]).toBe('…0188  variant A  163 characters, 2 segments (GSM-7)');
  });

  it('says why a recipient cannot be rendered: an unfilled field, or a text too long', () => {
    const unfilled = preview('+12125550100', ' ');
    expect(unfilled).toEqual({
      sendable: false,
      lines: [
        '…0100  variant A  error: unfilled field {{firstName}}: no value and no default (the sender skips it)',
      ],
    });
    const tooLong = preview('+12125550100', 'x'.repeat(1600));
    expect(tooLong.lines[0]).toMatch(/error: too long: 1623 characters, OpenPhone takes at most 1600/);
  });
});

describe('campaign status lines', () => {
  const campaign: StoredCampaign = {
    campaignId: 'cmp-1',
    definition: definition({
      variants: [
        { id: 'A', template: 'Hi', weight: 3 },
        { id: 'B', template: 'Hello', weight: 1 },
      ],
    }),
    state: { status: 'paused', reason: { kind: 'no-credits' } },
    version: 3,
  };

  it('shows the state with its pause reason, the progress, recipients by state and the variant table', () => {
    const lines = statusLines(campaign, { pending: 4, sent: 5, skipped: 1 }, [
      row('A', { weight: 3, sent: 4, skipped: 1 }),
      row('B', { sent: 2, delivered: 1, failed: 1, sendFailed: 1 }),
    ]);
    expect(lines[0]).toBe('Campaign cmp-1 "Spring sale": paused (OpenPhone has no credits left (402))');
    expect(lines[1]).toBe(`${progressBar(6, 10)} recipients done`);
    expect(lines[2]).toBe(
      'pending 4 · claimed 0 · unknown-outcome 0 · sent 5 · failed 0 · skipped 1 · parked 0',
    );
    expect(lines.slice(4, 7)).toEqual([
      'variant  weight  sent  delivered  undelivered  send failed  skipped  replied  opted out  reply rate',
      'A             3     4          0            0            0        1        0          0  0.0%',
      'B             1     2          1            1            1        0        0          0  0.0%',
    ]);
  });

  it('compares reply rates between variants, and says when it cannot yet', () => {
    expect(significanceLines([row('A', { sent: 10 }), row('B')])).toEqual([
      'A vs B: not compared yet (nothing sent to B)',
    ]);
    expect(
      significanceLines([row('A', { sent: 400, replied: 80 }), row('B', { sent: 400, replied: 40 })]),
    ).toEqual([
      expect.stringMatching(
        /^A vs B: reply rate 20\.0% vs 10\.0%, z = 3\.\d\d, p = 0\.000: significant at 95%$/,
      ),
    ]);
    expect(
      significanceLines([row('A', { sent: 20, replied: 2 }), row('B', { sent: 20, replied: 1 })])[0],
    ).toMatch(/not significant at 95% \(under 5 replies or non-replies in a variant: rough\)$/);
    expect(significanceLines([row('A')])).toEqual(['One variant: nothing to compare.']);
    expect(
      significanceLines([row('A', { sent: 400, replied: 80 }), row('B', { sent: 400, replied: 40 })], {
        kind: 'too-early',
        finalAt: '2026-11-08T12:00:00.000Z',
      }),
    ).toEqual([
      'A vs B: reply rate 20.0% vs 10.0% so far: too early to call (replies may arrive until 2026-11-08T12:00:00.000Z)',
    ]);
  });
});

describe('campaign command arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'campaign-args-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  // Every refusal below happens before the campaign table is touched.
  const noTable = testTarget({});
  const goodCsv = file('ok.csv', 'phone,firstName\n+12125550100,Ann\n');
  const goodDefinition = file('ok.json', JSON.stringify(definition()));

  it('refuses bad options with exit code 2 and one line', async () => {
    const limit = await runAgainst(noTable, 'campaigns', 'preview', 'cmp-1', '--limit', '0');
    expect(limit).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/--limit.*whole number from 1 to 1000/)],
    });
    const country = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      goodDefinition,
      '--csv',
      goodCsv,
      '--default-country',
      'XX',
    );
    expect(country).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/--default-country.*two-letter country code/)],
    });
    const missing = await runAgainst(noTable, 'campaigns', 'create', '--definition', goodDefinition);
    expect(missing).toMatchObject({
      code: 2,
      stderr: ["error: required option '--csv <file>' not specified"],
    });
    const every = await runAgainst(noTable, 'campaigns', 'status', 'cmp-1', '--watch', '--every', 'soon');
    expect(every.code).toBe(2);
  });

  it('names every problem of a definition with its field path, on one line', async () => {
    const bad = file(
      'bad.json',
      JSON.stringify({ name: 'x', sendingNumber: '555', variants: [{ id: 'A', template: 'Hi', weight: 0 }] }),
    );
    const result = await runAgainst(noTable, 'campaigns', 'create', '--definition', bad, '--csv', goodCsv);
    expect(result.code).toBe(2);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toContain(`error: ${bad}: sendingNumber: must be an OpenPhone phone number id`);
    expect(result.stderr[0]).toContain('variants.0.weight: must be at least 1');
    expect(result.stderr[0]).toContain('timeZone: is required');
  });

  it('refuses a missing file, a file that is not JSON, and a CSV that cannot be a recipient list', async () => {
    const missing = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      join(dir, 'nope.json'),
      '--csv',
      goodCsv,
    );
    expect(missing).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/cannot read the definition .*nope\.json \(ENOENT\)/)],
    });
    const notJson = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      file('x.json', '{name'),
      '--csv',
      goodCsv,
    );
    expect(notJson).toMatchObject({ code: 2, stderr: [expect.stringMatching(/x\.json is not JSON/)] });
    const noPhone = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      goodDefinition,
      '--csv',
      file('n.csv', 'name\nAnn\n'),
    );
    expect(noPhone).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/n\.csv has no "phone" column$/)],
    });
  });

  it('refuses a template field the CSV has no column for (a misspelt {{firstname}})', async () => {
    const misspelt = file(
      'misspelt.json',
      JSON.stringify(definition({ variants: [{ id: 'A', template: 'Hi {{firstname}} in {{city|town}}' }] })),
    );
    const result = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      misspelt,
      '--csv',
      goodCsv,
    );
    expect(result).toMatchObject({
      code: 2,
      stderr: [
        expect.stringMatching(
          /^error: variant A uses \{\{firstname\}\}, but .*ok\.csv has no such column \(columns: firstName\)/,
        ),
      ],
    });
  });

  it('refuses a recipient file saved in another encoding, naming the row and what to do', async () => {
    const latin = join(dir, 'latin.csv');
    // "CSV (Comma delimited)" from a spreadsheet: Windows-1252, é as the single byte 0xE9.
    writeFileSync(latin, Buffer.from('phone,firstName\n+12125550100,Ann\n+12125550101,Jos\xe9\n', 'latin1'));
    const refused = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      goodDefinition,
      '--csv',
      latin,
    );
    expect(refused).toMatchObject({
      code: 2,
      stderr: [
        expect.stringMatching(
          /latin\.csv row 3 is not UTF-8 \(byte 0xE9\).*save it as "CSV UTF-8", or give --encoding windows-1252$/,
        ),
      ],
    });
    const utf16 = join(dir, 'unicode.csv');
    writeFileSync(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone\n+12125550100\n', 'utf16le')]),
    );
    const wide = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      goodDefinition,
      '--csv',
      utf16,
    );
    expect(wide).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/is UTF-16.*--encoding utf-16le$/)],
    });
    const unknown = await runAgainst(
      noTable,
      'campaigns',
      'create',
      '--definition',
      goodDefinition,
      '--csv',
      latin,
      '--encoding',
      'klingon',
    );
    expect(unknown).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/--encoding klingon: not an encoding/)],
    });
  });
});
