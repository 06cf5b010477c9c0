import { z } from 'zod';
import { OpenPhoneInvalidRequestError } from '../errors';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The caller's input, parsed, or `OpenPhoneInvalidRequestError` naming each field at fault. */
export function validParameters<S extends z.ZodType>(
  operation: string,
  schema: S,
  input: unknown,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new OpenPhoneInvalidRequestError(operation, issuesOf(parsed.error));
  return parsed.data;
}

/** A single-object answer: `{ data: … }`. */
export function dataOf<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

/** An id as one URL path segment; an empty id is the caller's error, not a list route. */
export function segment(id: string): string {
  if (!id) throw new OpenPhoneInvalidRequestError('OpenPhone request', [{ path: 'id', message: 'required' }]);
  return encodeURIComponent(id);
}

/** Arrays repeat their key (`participants=+1…&participants=+1…`), OpenAPI's default form style. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
