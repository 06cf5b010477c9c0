import { z } from 'zod';
import { toE164 } from '../../shared/phone-numbers';
import { ApiRequestError } from '../errors';

/** `+` and 7–15 digits, the first not 0: the spelling of a number this API accepts. */
export const e164Pattern = /^\+[1-9]\d{6,14}$/;

export const activityKindFilter = z.enum(['message', 'call', 'voicemail']);

export const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Items per page, 1–100 (default 20).' }),
  cursor: z.string().min(1).optional().meta({ description: 'The `cursor` of the previous page.' }),
});

export const timelineQuery = pageQuery.extend({
  kind: activityKindFilter.optional().meta({
    description:
      'Only activities of this kind. A page may then hold fewer than `limit` items, even none, and still have a cursor: follow it until there is none.',
  }),
});

/** Query parameters read through a schema: a bad one is a 400 naming the parameter. */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: Record<string, string | undefined>,
): z.infer<T> {
  return parseWith(schema, query, 'query');
}

/** A value read through a schema; the first issue becomes a 400 naming its field. */
function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  // An unknown key is named as the field, so a typo (`frist_name`) is found at once.
  const path = issue?.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : (issue?.path ?? []);
  const field = path.join('.') || undefined;
  throw new ApiRequestError(
    400,
    'invalid_request',
    `${field ?? where}: ${issue?.message ?? 'invalid'}`,
    where === 'body' ? (field ?? 'body') : field,
  );
}

/** A JSON body read through a schema: a bad or missing field is a 400 naming it. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined)
    throw new ApiRequestError(400, 'invalid_request', 'this request needs a JSON body', 'body');
  return parseWith(schema, body, 'body');
}

/**
 * A phone number in a path or query: it must be E.164 (`+` and digits). Other spellings are
 * refused rather than guessed, so one number never reads as two contacts.
 */
export function e164PhoneNumber(raw: string | undefined, field: string): string {
  const value = (raw ?? '').trim();
  if (!e164Pattern.test(value))
    throw new ApiRequestError(
      400,
      'invalid_phone_number',
      `${field} must be an E.164 number such as +15555550123`,
      field,
    );
  const parsed = toE164(value);
  if (!parsed.ok || parsed.e164 !== value)
    throw new ApiRequestError(400, 'invalid_phone_number', `${field} is not a possible phone number`, field);
  return value;
}

/**
 * An OpenPhone id in a path (`AC…`, `CN…`, a contact id): letters, digits, `_` and `-`, at most 128.
 * Anything else cannot be a record here; refusing it keeps hostile keys away from DynamoDB.
 */
export function recordId(raw: string | undefined, field: string): string {
  const value = raw ?? '';
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(value))
    throw new ApiRequestError(
      400,
      'invalid_id',
      `${field} must be an OpenPhone id (letters, digits, _ or -)`,
      field,
    );
  return value;
}
