/** Where a command writes its results: stdout lines (stderr is for the one-line error, in index.ts). */
export interface Output {
  line(text?: string): void;
  /** A terminal: a command may redraw what it printed (`imports status --watch`). */
  readonly isTTY?: boolean;
  /** `--json`: a command that prints data prints it as one JSON document instead of text. */
  readonly json?: boolean;
}

/** A command's data: one JSON document with `--json` (for scripts and `jq`), else the text `print` writes. */
export function printData(out: Output, data: unknown, print: () => void): void {
  if (out.json) out.line(JSON.stringify(data, null, 2));
  else print();
}

export const stdout: Output = {
  line: (text = '') => process.stdout.write(`${text}\n`),
  isTTY: process.stdout.isTTY === true,
};

/** `…0123`: a phone number's last 4 digits, the only part an operator's screen may show. */
export function maskPhoneNumber(phoneNumber: string): string {
  const digits = phoneNumber.replace(/\D/g, '');
  return digits.length === 0 ? '' : `…${digits.slice(-4)}`;
}

/** Free text (a failure reason) with any E.164-looking number masked. */
export function maskPhoneNumbersIn(text: string): string {
  return text.replace(/\+\d{7,15}\b/g, (number) => maskPhoneNumber(number));
}

/** Columns padded to the widest cell; numbers aligned right. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string[] {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  return cells.map((row) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
