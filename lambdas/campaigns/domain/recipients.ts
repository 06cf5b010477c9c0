/**
 * Campaign recipients from a CSV file. The header row names the columns: `phone` (any case) is
 * required; every other column becomes a template field under its header name. Numbers are
 * normalised to E.164. Bad rows and repeated numbers are reported by row number, never sent.
 * A number whose clock cannot be known (a country of several zones, no `timeZone` column value)
 * is refused: its quiet hours could not be kept.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { parseCsv } from './csv';
import { recipientZone } from './recipient-zones';
import { fieldNamePattern } from './template';

export interface RecipientImportOptions {
  /** The country of numbers written without a `+` country code. Default `US`. */
  defaultCountry?: CountryCode;
}

export interface ImportedRecipient {
  /** Spreadsheet row: the header is row 1, the first recipient row 2. */
  row: number;
  phone: string;
  fields: Record<string, string>;
}

export type InvalidRowReason =
  | 'missing-phone'
  | 'invalid-phone'
  | 'too-many-fields'
  /** The `timeZone` column names no IANA zone. */
  | 'unknown-time-zone'
  /** A country of several clocks (Spain, Australia…) and no `timeZone` given: quiet hours cannot be judged. */
  | 'ambiguous-time-zone';

export interface InvalidRow {
  row: number;
  reason: InvalidRowReason;
  /** For a time-zone refusal: the zone given, or the country and its clocks. */
  detail?: string;
}

/** A number on more than one row: the first row is kept, the others are not sent. */
export interface DuplicateNumber {
  phone: string;
  keptRow: number;
  duplicateRows: number[];
}

export type RecipientImport =
  | {
      kind: 'imported';
      recipients: ImportedRecipient[];
      /** The template fields the file provides, in column order. */
      fieldNames: string[];
      invalidRows: InvalidRow[];
      duplicates: DuplicateNumber[];
    }
  | { kind: 'malformed-csv'; row: number; reason: 'unterminated-quote' | 'text-after-closing-quote' }
  | { kind: 'no-header' }
  | { kind: 'missing-phone-column' }
  | { kind: 'invalid-column-names'; columns: Array<{ column: number; name: string }> }
  | { kind: 'duplicate-column-names'; names: string[] };

const phoneColumnName = 'phone';

export function importRecipients(csvText: string, options: RecipientImportOptions = {}): RecipientImport {
  const defaultCountry = options.defaultCountry ?? 'US';
  const parsed = parseCsv(csvText);
  if (parsed.kind === 'malformed')
    return { kind: 'malformed-csv', row: parsed.record, reason: parsed.reason };

  const [header, ...rows] = parsed.records;
  if (!header || isBlankRecord(header)) return { kind: 'no-header' };

  const names = header.map((name) => name.trim());
  const phoneColumn = names.findIndex((name) => name.toLowerCase() === phoneColumnName);
  if (phoneColumn < 0) return { kind: 'missing-phone-column' };

  const invalidNames = names
    .map((name, column) => ({ column: column + 1, name }))
    .filter(({ column, name }) => column - 1 !== phoneColumn && !fieldNamePattern.test(name));
  if (invalidNames.length > 0) return { kind: 'invalid-column-names', columns: invalidNames };

  const lowerNames = names.map((name) => name.toLowerCase());
  const repeated = new Set(lowerNames.filter((name, column) => lowerNames.indexOf(name) !== column));
  if (repeated.size > 0) return { kind: 'duplicate-column-names', names: [...repeated] };

  const fieldColumns = names
    .map((name, column) => ({ name, column }))
    .filter(({ column }) => column !== phoneColumn);
  const recipients: ImportedRecipient[] = [];
  const invalidRows: InvalidRow[] = [];
  const rowsByPhone = new Map<string, number[]>();

  rows.forEach((record, index) => {
    const row = index + 2;
    if (isBlankRecord(record)) return;
    if (record.slice(names.length).some((extra) => extra.trim() !== '')) {
      invalidRows.push({ row, reason: 'too-many-fields' });
      return;
    }
    const rawPhone = (record[phoneColumn] ?? '').trim();
    if (rawPhone === '') {
      invalidRows.push({ row, reason: 'missing-phone' });
      return;
    }
    const phone = normalisePhoneNumber(rawPhone, defaultCountry);
    if (!phone) {
      invalidRows.push({ row, reason: 'invalid-phone' });
      return;
    }
    const rowsOfPhone = rowsByPhone.get(phone);
    if (rowsOfPhone) {
      rowsOfPhone.push(row);
      return;
    }
    // fromEntries defines own properties, so even a column named __proto__ stays a plain field.
    const fields = Object.fromEntries(
      fieldColumns.map(({ name, column }) => [name, (record[column] ?? '').trim()]),
    );
    const place = recipientZone(phone, fields);
    if (place.kind === 'unknown-zone') {
      invalidRows.push({ row, reason: 'unknown-time-zone', detail: place.zone });
      return;
    }
    if (place.kind === 'ambiguous') {
      invalidRows.push({
        row,
        reason: 'ambiguous-time-zone',
        detail: `${place.country}: ${place.zones.join(', ')}`,
      });
      return;
    }
    rowsByPhone.set(phone, [row]);
    recipients.push({ row, phone, fields });
  });

  const duplicates = [...rowsByPhone]
    .filter(([, rowsOfPhone]) => rowsOfPhone.length > 1)
    .map(([phone, [keptRow = 0, ...duplicateRows]]) => ({ phone, keptRow, duplicateRows }));

  return {
    kind: 'imported',
    recipients,
    fieldNames: fieldColumns.map((c) => c.name),
    invalidRows,
    duplicates,
  };
}

/** A valid number in E.164, or undefined. Numbers without `+` are read as `defaultCountry` numbers. */
export function normalisePhoneNumber(raw: string, defaultCountry: CountryCode = 'US'): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry });
  return parsed?.isValid() ? parsed.number : undefined;
}

function isBlankRecord(record: readonly string[]): boolean {
  return record.every((field) => field.trim() === '');
}
