import fc from 'fast-check';
import { formatCsv, parseCsv } from '../../../lambdas/campaigns/domain/csv';

const records = (text: string) => {
  const result = parseCsv(text);
  if (result.kind !== 'parsed') throw new Error(`expected parsed CSV, got ${JSON.stringify(result)}`);
  return result.records;
};

describe('parseCsv', () => {
  it('splits fields on commas and records on line feeds', () => {
    expect(records('phone,firstName\n+12125550100,Ann\n')).toEqual([
      ['phone', 'firstName'],
      ['+12125550100', 'Ann'],
    ]);
  });

  it('accepts CRLF line breaks', () => {
    expect(records('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('accepts a last record without a line break', () => {
    expect(records('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('drops a byte-order mark so the first header is not "\\uFEFFphone"', () => {
    expect(records('\uFEFFphone\n1\n')[0]).toEqual(['phone']);
  });

  it('keeps commas, line breaks and CRLF inside quoted fields', () => {
    expect(records('name,note\r\n"Smith, Ann","line one\r\nline two\nline three"\r\n')).toEqual([
      ['name', 'note'],
      ['Smith, Ann', 'line one\r\nline two\nline three'],
    ]);
  });

  it('reads a doubled quote inside a quoted field as one quote', () => {
    expect(records('"She said ""hi"""\n')).toEqual([['She said "hi"']]);
  });

  it('keeps empty fields, including trailing ones', () => {
    expect(records('a,,c,\n,,,\n')).toEqual([
      ['a', '', 'c', ''],
      ['', '', '', ''],
    ]);
  });

  it('an empty quoted field is an empty string', () => {
    expect(records('"",x\n')).toEqual([['', 'x']]);
  });

  it('a blank line is a record with one empty field', () => {
    expect(records('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
  });

  it('an empty file has no records', () => {
    expect(records('')).toEqual([]);
  });

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(records('5" tall,x\n')).toEqual([['5" tall', 'x']]);
  });

  it('reports an unterminated quote with the record it starts in', () => {
    expect(parseCsv('a\nb\n"open,\nmore\n')).toEqual({
      kind: 'malformed',
      record: 3,
      reason: 'unterminated-quote',
    });
  });

  it('reports text after a closing quote', () => {
    expect(parseCsv('a\n"x"y,z\n')).toEqual({
      kind: 'malformed',
      record: 2,
      reason: 'text-after-closing-quote',
    });
  });
});

describe('formatCsv', () => {
  it('quotes only fields that need it', () => {
    expect(formatCsv([['plain', 'with,comma', 'with "quote"', 'two\nlines']])).toBe(
      'plain,"with,comma","with ""quote""","two\nlines"\r\n',
    );
  });
});

describe('CSV round trip (property)', () => {
  const field = fc.string({
    unit: fc.constantFrom('a', 'Z', '1', ' ', ',', '"', '\n', '\r', 'é', '😀', "'"),
  });
  const table = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 8 });

  it('parsing formatted records gives the same records back', () => {
    fc.assert(
      fc.property(table, (rows) => {
        expect(records(formatCsv(rows))).toEqual(rows);
      }),
    );
  });

  it('any text either parses or reports a malformed record, never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ') }), (text) => {
        const result = parseCsv(text);
        return result.kind === 'parsed' || result.record >= 1;
      }),
    );
  });
});
