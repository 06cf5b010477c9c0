import { z } from 'zod';

/**
 * The tolerant fields every OpenPhone payload is read with: nulls for absent values, blank ids in
 * test deliveries, one string where a list is expected, a URL where a media object is.
 */

/** A string that may be null, absent or blank in a delivery; blank means absent. */
export const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value == null || value.trim() === '' ? undefined : value.trim()));

/** An ISO 8601 (or epoch) time, normalised to `toISOString()` so times compare as strings. */
export const optionalTime = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value, ctx) => {
    if (value == null || value === '') return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a date-time: ${String(value)}` });
      return z.NEVER;
    }
    return date.toISOString();
  });

export const optionalNumber = z
  .number()
  .nullish()
  .transform((value) => value ?? undefined);

/** A list of strings, or one string (a list of one); blanks dropped. */
export const stringList = z
  .union([z.string(), z.array(z.string().nullable())])
  .nullish()
  .transform((value) =>
    (value == null ? [] : Array.isArray(value) ? value : [value])
      .map((s) => s?.trim() ?? '')
      .filter((s) => s !== ''),
  );

/** One number or a list of numbers (`to` comes both ways); blanks dropped. */
export const phoneNumberList = stringList;

export const directions = ['incoming', 'outgoing'] as const;
export const direction = z
  .enum(directions)
  .nullish()
  .transform((value) => value ?? undefined);

const mediaObject = z.object({
  url: optionalText,
  type: optionalText,
  duration: optionalNumber,
});

/** A media item: an object with `url` (and `type`, `duration`), or just its URL. */
export const mediaItemSchema = z.union([
  mediaObject,
  z.string().transform((url) => mediaObject.parse({ url })),
]);
type MediaItemPayload = z.infer<typeof mediaObject>;

/** A list of media items, or one item; items without a URL dropped. */
export const mediaList = z
  .union([z.array(mediaItemSchema.nullable()), mediaItemSchema])
  .nullish()
  .transform((items) =>
    (items == null ? [] : Array.isArray(items) ? items : [items]).filter(
      (m): m is MediaItemPayload => m != null && m.url !== undefined,
    ),
  );

/** A code as a string, whether it came as a number or a string; blank means absent. */
export const optionalCode = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value == null || String(value).trim() === '' ? undefined : String(value).trim()));
