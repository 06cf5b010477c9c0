import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CountryCode } from 'libphonenumber-js';
import {
  decodeRecipientFile,
  importRecipients,
  parseCampaignDefinition,
  parseTemplate,
  requiredFieldsOf,
  type CampaignDefinition,
  type DuplicateNumber,
  type InvalidRow,
  type RecipientImport,
} from '../../lambdas/campaigns';
import { CommandFailure, UsageError } from '../errors';
import { maskPhoneNumber, plural, type Output } from '../output';
import type { Target } from '../target';

export interface CreateCampaignOptions {
  definition: string;
  csv: string;
  /** The country of numbers written without `+`. */
  defaultCountry: string;
  /** Tests and scripts may name the campaign; a fresh `cmp-…` id otherwise. */
  id?: string;
  /** The recipient file's encoding when it is not UTF-8 (a WHATWG label: `windows-1252`, `utf-16le`, …). */
  encoding?: string;
}

function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read the ${what} ${path}${code ? ` (${code})` : ''}`);
  }
}

const readInput = (path: string, what: string) => readBytes(path, what).toString('utf8');

/** The recipient file as text, decoded strictly: a file in another encoding is refused with its row and a hint. */
export function readRecipientFile(path: string, encoding?: string): string {
  const decoded = decodeRecipientFile(readBytes(path, 'recipient file'), encoding);
  switch (decoded.kind) {
    case 'decoded':
      return decoded.text;
    case 'unknown-encoding':
      throw new UsageError(
        `--encoding ${decoded.encoding}: not an encoding this tool knows (try utf-8, windows-1252, iso-8859-1, utf-16le)`,
      );
    case 'not-in-encoding':
      throw new UsageError(`${path} row ${decoded.row}: not valid ${decoded.encoding}: check --encoding`);
    case 'not-utf8':
      throw new UsageError(
        decoded.looksLike === 'utf-16'
          ? `${path} is UTF-16 ("Unicode text"), not UTF-8: save it as "CSV UTF-8", or give --encoding utf-16le`
          : `${path} row ${decoded.row} is not UTF-8 (byte 0x${decoded.byte.toString(16).toUpperCase().padStart(2, '0')}): ` +
              'it was probably saved as plain "CSV" (Windows-1252); save it as "CSV UTF-8", or give --encoding windows-1252',
      );
  }
}

/** The definition file, validated by the domain's schema: every problem with its field path, on one line. */
export function readDefinition(path: string): CampaignDefinition {
  let json: unknown;
  try {
    json = JSON.parse(readInput(path, 'definition'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = parseCampaignDefinition(json);
  if (parsed.kind === 'invalid') throw new UsageError(`${path}: ${parsed.problems.join('; ')}`);
  return parsed.definition;
}

/** Why a whole CSV file is refused, in words. */
function refusal(path: string, result: Exclude<RecipientImport, { kind: 'imported' }>): string {
  switch (result.kind) {
    case 'malformed-csv':
      return `${path} row ${result.row}: ${result.reason === 'unterminated-quote' ? 'a quote is never closed' : 'text after a closing quote'}`;
    case 'no-header':
      return `${path} has no header row (phone,firstName,…)`;
    case 'missing-phone-column':
      return `${path} has no "phone" column`;
    case 'invalid-column-names':
      return `${path}: column names must be template fields (letters, digits, _; not starting with a digit): ${result.columns.map((c) => `column ${c.column} "${c.name}"`).join(', ')}`;
    case 'duplicate-column-names':
      return `${path}: repeated column names: ${result.names.join(', ')}`;
  }
}

/** A field a template needs with no default must be a CSV column: catches `{{firstname}}` for `firstName`. */
function checkTemplateFields(definition: CampaignDefinition, fieldNames: readonly string[], csvPath: string) {
  const problems = definition.variants.flatMap((variant) => {
    const parsed = parseTemplate(variant.template);
    if (parsed.kind !== 'parsed') return [];
    const missing = requiredFieldsOf(parsed.placeholders).filter((field) => !fieldNames.includes(field));
    return missing.map((field) => `variant ${variant.id} uses {{${field}}}`);
  });
  if (problems.length > 0)
    throw new UsageError(
      `${problems.join(', ')}, but ${csvPath} has no such column (columns: ${fieldNames.join(', ') || 'none'}): add the column or give a default, {{field|default}}`,
    );
}

const reasons: Record<InvalidRow['reason'], string> = {
  'missing-phone': 'no phone number',
  'invalid-phone': 'not a valid phone number',
  'too-many-fields': 'more cells than the header has columns',
  'unknown-time-zone': 'the timeZone column names no time zone',
  'ambiguous-time-zone': 'its country has several time zones: give one in a timeZone column',
};

/** `row 5: not a valid phone number`, `row 7: duplicate of row 2 (…0100)`, in row order. */
export function skippedRowLines(invalid: readonly InvalidRow[], duplicates: readonly DuplicateNumber[]) {
  const lines = [
    ...invalid.map((r) => ({ row: r.row, text: reasons[r.reason] + (r.detail ? ` (${r.detail})` : '') })),
    ...duplicates.flatMap((d) =>
      d.duplicateRows.map((row) => ({
        row,
        text: `duplicate of row ${d.keptRow} (${maskPhoneNumber(d.phone)})`,
      })),
    ),
  ];
  return lines.sort((a, b) => a.row - b.row).map((l) => `  row ${l.row}: ${l.text}`);
}

export function newCampaignId(): string {
  return `cmp-${randomBytes(5).toString('hex')}`;
}

/** A draft campaign from a definition file and a recipient CSV; only valid, unique rows become recipients. */
export async function createCampaign(target: Target, out: Output, options: CreateCampaignOptions) {
  const definition = readDefinition(options.definition);
  const imported = importRecipients(readRecipientFile(options.csv, options.encoding), {
    defaultCountry: options.defaultCountry as CountryCode,
  });
  if (imported.kind !== 'imported') throw new UsageError(refusal(options.csv, imported));
  checkTemplateFields(definition, imported.fieldNames, options.csv);
  const skipped = skippedRowLines(imported.invalidRows, imported.duplicates);
  if (imported.recipients.length === 0)
    throw new CommandFailure(
      `${options.csv} has no valid recipient (${plural(skipped.length, 'row')} refused): nothing was created`,
    );

  const campaignId = options.id ?? newCampaignId();
  const created = await target.campaigns.campaigns.createCampaign({
    campaignId,
    definition,
    at: new Date().toISOString(),
  });
  if (created.kind === 'exists') throw new CommandFailure(`a campaign ${campaignId} already exists`);
  const { added } = await target.campaigns.recipients.addRecipients(
    campaignId,
    imported.recipients.map(({ phone, fields }) => ({ phone, fields })),
  );

  out.line(`Created campaign ${campaignId} "${definition.name}" (draft) with ${plural(added, 'recipient')}.`);
  const duplicateRows = imported.duplicates.reduce((sum, d) => sum + d.duplicateRows.length, 0);
  if (skipped.length > 0) {
    out.line(
      `Not imported: ${plural(imported.invalidRows.length, 'invalid row')}, ${plural(duplicateRows, 'duplicate row')}:`,
    );
    for (const line of skipped) out.line(line);
  }
  out.line(`Next: npm run cli -- campaigns preview ${campaignId}, then campaigns start ${campaignId}`);
}
