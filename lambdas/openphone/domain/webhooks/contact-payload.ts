import { z } from 'zod';
import { optionalText, optionalTime } from './payload-fields';

const labelledValue = z
  .object({ name: z.string().nullish(), value: z.string().nullish(), id: z.string().nullish() })
  .transform((v) => ({ name: v.name ?? undefined, value: v.value ?? undefined }));

const labelledValues = z
  .array(labelledValue.nullable())
  .nullish()
  .transform((items) =>
    (items ?? []).filter((i): i is { name: string | undefined; value: string } => i?.value != null),
  );

export const customFieldSchema = z
  .object({
    name: z.string().nullish(),
    key: z.string().nullish(),
    id: z.string().nullish(),
    type: z.string().nullish(),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).nullish(),
  })
  .transform((f) => ({
    name: f.name ?? undefined,
    key: f.key ?? undefined,
    type: f.type ?? undefined,
    value: f.value ?? undefined,
  }));

const defaultContactFields = z.object({
  firstName: optionalText,
  lastName: optionalText,
  company: optionalText,
  role: optionalText,
  emails: labelledValues,
  phoneNumbers: labelledValues,
});

/** Contacts arrive flat (webhooks) or with `defaultFields` (REST, newer payloads): both normalise to flat. */
export const contactPayloadSchema = z
  .object({
    id: optionalText,
    object: z.string().nullish(),
    externalId: optionalText,
    source: optionalText,
    defaultFields: defaultContactFields.nullish(),
    customFields: z
      .array(customFieldSchema.nullable())
      .nullish()
      .transform((items) => (items ?? []).filter((f) => f != null)),
    createdAt: optionalTime,
    updatedAt: optionalTime,
    deletedAt: optionalTime,
    deleted: z.boolean().nullish(),
  })
  .and(defaultContactFields.partial())
  .transform(({ defaultFields, ...contact }) => ({
    id: contact.id,
    externalId: contact.externalId,
    source: contact.source,
    firstName: defaultFields?.firstName ?? contact.firstName,
    lastName: defaultFields?.lastName ?? contact.lastName,
    company: defaultFields?.company ?? contact.company,
    role: defaultFields?.role ?? contact.role,
    emails: defaultFields?.emails.length ? defaultFields.emails : (contact.emails ?? []),
    phoneNumbers: defaultFields?.phoneNumbers.length
      ? defaultFields.phoneNumbers
      : (contact.phoneNumbers ?? []),
    customFields: contact.customFields,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
    deletedAt: contact.deletedAt,
    deleted: contact.deleted ?? undefined,
  }));
export type ContactPayload = z.infer<typeof contactPayloadSchema>;
