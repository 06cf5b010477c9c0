import fc from 'fast-check';
import { formatCsv } from '../../../lambdas/campaigns/domain/csv';
import { importRecipients, normalisePhoneNumber } from '../../../lambdas/campaigns/domain/recipients';

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';

function imported(text: string, options?: Parameters<typeof importRecipients>[1]) {
  const result = importRecipients(text, options);
  if (result.kind !== 'imported') throw new Error(`expected an import, got ${JSON.stringify(result)}`);
  return result;
}

describe('importRecipients', () => {
  it('reads phone numbers and turns the other columns into template fields', () => {
    const result = imported(csv('phone,firstName,city', '(212) 555-0100,Ann,Oslo'));
    expect(result.recipients).toEqual([
      { row: 2, phone: '+12125550100', fields: { firstName: 'Ann', city: 'Oslo' } },
    ]);
    expect(result.fieldNames).toEqual(['firstName', 'city']);
  });

  it('finds the phone column in any position and any case', () => {
    const result = imported(csv('firstName,Phone', 'Ann,212-555-0100'));
    expect(result.recipients[0]).toMatchObject({ phone: '+12125550100', fields: { firstName: 'Ann' } });
  });

  it('normalises US numbers written many ways to E.164', () => {
    const written = ['2125550100', '212.555.0100', '+1 (212) 555-0100', '1-212-555-0100', ' 212 555 0100 '];
    for (const phone of written) expect(normalisePhoneNumber(phone)).toBe('+12125550100');
  });

  it('keeps numbers with their own country code', () => {
    const result = imported(csv('phone', '+44 20 7946 0958'));
    expect(result.recipients[0]?.phone).toBe('+442079460958');
  });

  it('reads national numbers with a configured default country', () => {
    const result = imported(csv('phone', '020 7946 0958'), { defaultCountry: 'GB' });
    expect(result.recipients[0]?.phone).toBe('+442079460958');
  });

  it('trims whitespace around values', () => {
    const result = imported(csv('phone,firstName', ' 2125550100 ,  Ann '));
    expect(result.recipients[0]?.fields).toEqual({ firstName: 'Ann' });
  });

  it('keeps a quoted value with commas, quotes and a line break whole', () => {
    const result = imported(csv('phone,company', '2125550100,"Smith, ""Sons""\nLtd"'));
    expect(result.recipients[0]?.fields.company).toBe('Smith, "Sons"\nLtd');
  });

  it('fills missing trailing cells with empty values', () => {
    const result = imported(csv('phone,firstName,city', '2125550100,Ann'));
    expect(result.recipients[0]?.fields).toEqual({ firstName: 'Ann', city: '' });
  });

  it('reports invalid and missing numbers with their row numbers and does not import them', () => {
    const result = imported(
      csv('phone,firstName', '2125550100,Ann', 'not a number,Bob', ',Carl', '12345,Dee'),
    );
    expect(result.recipients.map((r) => r.row)).toEqual([2]);
    expect(result.invalidRows).toEqual([
      { row: 3, reason: 'invalid-phone' },
      { row: 4, reason: 'missing-phone' },
      { row: 5, reason: 'invalid-phone' },
    ]);
  });

  it('reports a row with more cells than the header has columns', () => {
    const result = imported(csv('phone,firstName', '2125550100,Ann,extra', '2125550101,Bob,'));
    expect(result.invalidRows).toEqual([{ row: 2, reason: 'too-many-fields' }]);
    expect(result.recipients.map((r) => r.row)).toEqual([3]);
  });

  it('keeps the first row of a repeated number and reports the others', () => {
    const result = imported(
      csv(
        'phone,firstName',
        '2125550100,Ann',
        '2125550101,Bob',
        '+1 212 555 0100,Ann again',
        '(212) 555-0100,Ann 3',
      ),
    );
    expect(result.recipients.map((r) => r.fields.firstName)).toEqual(['Ann', 'Bob']);
    expect(result.duplicates).toEqual([{ phone: '+12125550100', keptRow: 2, duplicateRows: [4, 5] }]);
  });

  it('numbers rows as a spreadsheet does even when a quoted value spans lines', () => {
    const result = imported(csv('phone,note', '2125550100,"two\nlines"', 'bad,x'));
    expect(result.invalidRows).toEqual([{ row: 3, reason: 'invalid-phone' }]);
  });

  it('skips blank lines silently', () => {
    const result = imported('phone\n2125550100\n\n,\n2125550101\n\n');
    expect(result.recipients.map((r) => r.row)).toEqual([2, 5]);
    expect(result.invalidRows).toEqual([]);
  });

  it('accepts a byte-order mark before the header', () => {
    expect(imported('\uFEFFphone\n2125550100\n').recipients).toHaveLength(1);
  });

  it('a column named __proto__ is an ordinary field, not a prototype', () => {
    const result = imported(csv('phone,__proto__', '2125550100,x'));
    expect(Object.hasOwn(result.recipients[0]!.fields, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result.recipients[0]!.fields)).toBe(Object.prototype);
  });

  it('refuses a file without a phone column', () => {
    expect(importRecipients(csv('mobile,firstName', '2125550100,Ann'))).toEqual({
      kind: 'missing-phone-column',
    });
  });

  it('refuses an empty file', () => {
    expect(importRecipients('')).toEqual({ kind: 'no-header' });
    expect(importRecipients('\n\n')).toEqual({ kind: 'no-header' });
  });

  it('refuses column names a template cannot use, naming them', () => {
    expect(importRecipients(csv('phone,First Name,city,', '2125550100,Ann,Oslo,'))).toEqual({
      kind: 'invalid-column-names',
      columns: [
        { column: 2, name: 'First Name' },
        { column: 4, name: '' },
      ],
    });
  });

  it('refuses repeated column names', () => {
    expect(importRecipients(csv('phone,city,City', '2125550100,a,b'))).toEqual({
      kind: 'duplicate-column-names',
      names: ['city'],
    });
  });

  it('refuses malformed CSV, saying which row', () => {
    expect(importRecipients('phone\n2125550100\n"2125550101\n')).toEqual({
      kind: 'malformed-csv',
      row: 3,
      reason: 'unterminated-quote',
    });
  });

  it('every valid row written with formatCsv comes back with its fields (property)', () => {
    const name = fc.string({ unit: fc.constantFrom('A', 'n', 'é', ' ', ',', '"', '\n', 'x'), maxLength: 12 });
    const lines = fc.uniqueArray(fc.integer({ min: 2_000_000, max: 9_999_999 }), { maxLength: 30 });
    fc.assert(
      fc.property(lines, fc.array(name, { minLength: 30, maxLength: 30 }), (lineNumbers, names) => {
        const rows = lineNumbers.map((line, i) => [`212${line}`, names[i] ?? '']);
        const result = imported(formatCsv([['phone', 'name'], ...rows]));
        expect(result.recipients).toEqual(
          rows.map(([phone, value], i) => ({
            row: i + 2,
            phone: `+1${phone}`,
            fields: { name: value!.trim() },
          })),
        );
        expect(result.invalidRows).toEqual([]);
        expect(result.duplicates).toEqual([]);
      }),
    );
  });
});
