/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may
 * hold commas, line breaks and doubled quotes (`""`). A leading byte-order mark is dropped.
 * Lenient where spreadsheets are: a quote inside an unquoted field is kept as a character.
 */

export type CsvParseResult =
  | { kind: 'parsed'; records: string[][] }
  /** `record` counts from 1 (the header is record 1), as a spreadsheet numbers rows. */
  | { kind: 'malformed'; record: number; reason: 'unterminated-quote' | 'text-after-closing-quote' };

export function parseCsv(text: string): CsvParseResult {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  // A quote opens a quoted field only as a field's first character; elsewhere it is text.
  let fieldStarted = false;

  const endField = () => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };

  while (i < input.length) {
    const char = input[i];
    if (char === '"' && !fieldStarted) {
      const recordNumber = records.length + 1;
      i += 1;
      for (;;) {
        if (i >= input.length)
          return { kind: 'malformed', record: recordNumber, reason: 'unterminated-quote' };
        if (input[i] === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += input[i];
        i += 1;
      }
      fieldStarted = true;
      const next = input[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        return { kind: 'malformed', record: recordNumber, reason: 'text-after-closing-quote' };
      }
      continue;
    }
    if (char === ',') {
      endField();
      i += 1;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && input[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += char;
    fieldStarted = true;
    i += 1;
  }
  // A final line break ends the last record; without one, whatever was read is the last record.
  if (fieldStarted || record.length > 0) endRecord();
  return { kind: 'parsed', records };
}

/** Quotes a field only when it must be: it holds a comma, a quote, a line break, or edge spaces. */
function formatField(field: string): string {
  return /[",\r\n]|^\s|\s$/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Records as RFC 4180 text with CRLF line breaks: the inverse of `parseCsv`. */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => record.map(formatField).join(',') + '\r\n').join('');
}
