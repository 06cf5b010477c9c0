/**
 * Message templates: `{{firstName}}` fields, whitespace allowed inside the braces, and an
 * optional default after a bar: `{{ firstName | there }}`. Anything else between `{{` and `}}`,
 * or a brace pair left open, is a malformed placeholder: an SMS has no use for literal `{{`.
 */
import { countSegments, type SegmentCount } from './segments';

/** OpenPhone's `POST /v1/messages` accepts content of 1–1600 characters that is not blank. */
export const messageContentLimit = 1600;

export const fieldNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface TemplatePlaceholder {
  field: string;
  /** Present when the template names a default (possibly the empty string). */
  defaultValue?: string;
}

export type ParsedTemplate =
  | { kind: 'parsed'; placeholders: TemplatePlaceholder[] }
  | { kind: 'malformed-placeholder'; placeholder: string; index: number };

export type RenderResult =
  | { kind: 'rendered'; text: string; segments: SegmentCount }
  | { kind: 'unfilled-fields'; fields: string[] }
  | { kind: 'malformed-placeholder'; placeholder: string; index: number }
  | { kind: 'blank' }
  | { kind: 'too-long'; length: number; limit: number };

const placeholderPattern = /\{\{([^{}]*)\}\}/g;
const placeholderBody = /^\s*([^\s|]+)\s*(?:\|\s*(.*?)\s*)?$/s;

/** The placeholders a template uses, in order, or the first malformed one. */
export function parseTemplate(template: string): ParsedTemplate {
  const placeholders: TemplatePlaceholder[] = [];
  for (const match of template.matchAll(placeholderPattern)) {
    const body = placeholderBody.exec(match[1] ?? '');
    const field = body?.[1];
    if (!body || !field || !fieldNamePattern.test(field)) {
      return { kind: 'malformed-placeholder', placeholder: match[0], index: match.index };
    }
    placeholders.push(body[2] === undefined ? { field } : { field, defaultValue: body[2] });
  }
  const strayIndex = template.replace(placeholderPattern, (m) => ' '.repeat(m.length)).search(/\{\{|\}\}/);
  if (strayIndex >= 0) {
    return {
      kind: 'malformed-placeholder',
      placeholder: template.slice(strayIndex, strayIndex + 2),
      index: strayIndex,
    };
  }
  return { kind: 'parsed', placeholders };
}

/**
 * Fields every recipient must have a value for: used somewhere without a default. Checking them
 * against the CSV's columns before a campaign starts catches a misspelt `{{firstname}}` early.
 */
export function requiredFieldsOf(placeholders: TemplatePlaceholder[]): string[] {
  return fieldsOf(placeholders.filter((p) => p.defaultValue === undefined));
}

/** The distinct field names a template needs values for (fields with a default included). */
export function fieldsOf(placeholders: TemplatePlaceholder[]): string[] {
  return [...new Set(placeholders.map((p) => p.field))];
}

/**
 * Fills a template for one recipient. A field whose value is missing or blank takes the
 * placeholder's default; without one it is reported, and nothing is rendered, so a recipient
 * never gets "Hi ,". The result must be sendable as is: not blank, at most 1600 characters.
 */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
): RenderResult {
  const parsed = parseTemplate(template);
  if (parsed.kind === 'malformed-placeholder') return parsed;

  const unfilled = new Set<string>();
  const text = template.replace(placeholderPattern, (_whole, body: string) => {
    const [, field = '', defaultValue] = placeholderBody.exec(body) ?? [];
    const value = Object.hasOwn(values, field) ? values[field] : undefined;
    if (value !== undefined && value.trim() !== '') return value.trim();
    if (defaultValue !== undefined) return defaultValue;
    unfilled.add(field);
    return '';
  });

  if (unfilled.size > 0) return { kind: 'unfilled-fields', fields: [...unfilled] };
  if (text.trim() === '') return { kind: 'blank' };
  // UTF-16 length is never below the code-point count, so this holds whichever OpenPhone counts.
  if (text.length > messageContentLimit)
    return { kind: 'too-long', length: text.length, limit: messageContentLimit };
  return { kind: 'rendered', text, segments: countSegments(text) };
}
