import { z } from 'zod';
import { contact } from './resources';

// The contact writes: create or change a contact in OpenPhone, then the CRM record (routes/contacts.ts).

const nameField = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(256)
    .nullable()
    .optional()
    .meta({ description: `The contact's ${what}; \`null\` clears it (on update).` });

const label = z.string().trim().min(1).max(64).optional().meta({ description: 'A label such as `work`.' });

/** The fields of a contact the API writes; lists replace the whole list. */
export const contactFields = z
  .object({
    firstName: nameField('first name'),
    lastName: nameField('last name'),
    company: nameField('company'),
    role: nameField('role'),
    emails: z
      .array(z.object({ name: label, value: z.email().max(254) }).strict())
      .max(20)
      .optional()
      .meta({ description: 'Replaces every email of the contact.' }),
    phoneNumbers: z
      .array(
        z
          .object({
            name: label,
            value: z.string().meta({ description: 'E.164, e.g. `+15555550123`.' }),
          })
          .strict(),
      )
      .max(20)
      .optional()
      .meta({ description: 'Replaces every phone number of the contact (E.164 only).' }),
    customFields: z
      .array(
        z
          .object({
            key: z.string().min(1).max(128).meta({ description: "The custom field's key in OpenPhone." }),
            value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).nullable(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
  })
  .strict();
export type ContactFields = z.infer<typeof contactFields>;

export const newContactBody = contactFields
  .extend({
    externalId: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: "The CRM's own id for the contact, kept by OpenPhone." }),
  })
  .meta({ id: 'NewContact' });

export const contactChangesBody = contactFields.meta({ id: 'ContactChanges' });

const ifMatch = z.object({
  'if-match': z.string().optional().meta({
    description:
      "The contact's `updatedAt` as the caller read it: a newer change from OpenPhone is answered 409 instead of being overwritten.",
  }),
});

export const contactWriteRoutes = {
  createContact: {
    method: 'POST',
    path: '/v1/contacts',
    scope: 'crm/contacts',
    summary: 'Create a contact in OpenPhone, then in the CRM',
    body: newContactBody,
    status: 201,
    response: contact,
    errors: {
      429: 'The OpenPhone rate limit is saturated: retry after `Retry-After` seconds.',
      503: 'OpenPhone could not be reached or answered with an error; `outcome_unknown` means it may have created the contact.',
    },
  },
  updateContact: {
    method: 'PUT',
    path: '/v1/contacts/{id}',
    scope: 'crm/contacts',
    summary: 'Change a contact in OpenPhone, then in the CRM (fields left out stay as they are)',
    params: z.object({ id: z.string() }),
    headers: ifMatch,
    body: contactChangesBody,
    response: contact,
    errors: {
      409: '`conflict`: OpenPhone changed the contact after the `If-Match` time; read it again.',
      429: 'The OpenPhone rate limit is saturated: retry after `Retry-After` seconds.',
      503: 'OpenPhone could not be reached or answered with an error.',
    },
  },
} as const;
