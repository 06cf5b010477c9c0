import { contactRecordOf, type ContactRepository } from '../../crm';
import { apiContactSchema, type OpenPhoneClient } from '../../openphone';
import { contactChangesBody, newContactBody, type ContactFields } from '../domain/contact-write-routes';
import { e164PhoneNumber, parseBody, recordId } from '../domain/requests';
import { contactView } from '../domain/views';
import { ApiRequestError } from '../errors';
import { callOpenPhone } from './openphone-refusals';
import { configured, json, type RouteHandlers } from './types';

export interface ContactWriteRouteDeps {
  contacts: Pick<ContactRepository, 'getContact' | 'upsertContact'>;
  /** OpenPhone's API on the interactive lane of the shared rate limit; absent: writes answer 503. */
  openPhone?: Pick<OpenPhoneClient, 'createContact' | 'updateContact'>;
}

type OpenPhoneContact = Awaited<ReturnType<OpenPhoneClient['createContact']>>;

/** The API's fields as OpenPhone's `defaultFields` and `customFields`; phone numbers must be E.164. */
function openPhoneFieldsOf(fields: ContactFields) {
  const phoneNumbers = fields.phoneNumbers?.map((p, i) => ({
    name: p.name ?? 'phone',
    value: e164PhoneNumber(p.value, `phoneNumbers.${i}.value`),
  }));
  const defaultFields = Object.fromEntries(
    Object.entries({
      firstName: fields.firstName,
      lastName: fields.lastName,
      company: fields.company,
      role: fields.role,
      emails: fields.emails?.map((e) => ({ name: e.name ?? 'email', value: e.value })),
      phoneNumbers,
    }).filter(([, value]) => value !== undefined),
  );
  return { defaultFields, ...(fields.customFields ? { customFields: fields.customFields } : {}) };
}

/** `If-Match` as a time: the `updatedAt` the caller read (quotes and a weak `W/` tolerated). */
function ifMatchTime(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time))
    throw new ApiRequestError(
      400,
      'invalid_request',
      "If-Match must be the contact's updatedAt as read, e.g. 2026-11-20T10:00:00.000Z",
      'If-Match',
    );
  return time;
}

/**
 * Contact writes: OpenPhone first (it is the system of record for contacts), then the CRM record
 * through the same versioned write the `contact.updated` webhook uses, so whichever of the two
 * carries the newer `updatedAt` is the record that stays.
 */
export function contactRoutes(deps: ContactWriteRouteDeps): RouteHandlers<'createContact' | 'updateContact'> {
  const openPhone = () =>
    configured(deps.openPhone, 'openphone', 'this API has no OpenPhone to write contacts to');
  const recordAndAnswer = async (status: 200 | 201, written: OpenPhoneContact) => {
    const parsed = apiContactSchema.parse(written);
    const record = contactRecordOf({ ...parsed, id: written.id }, written.updatedAt);
    const { outcome } = await deps.contacts.upsertContact(record);
    // Not applied: a newer version (a webhook that overtook this write) may be stored; answer it.
    const stored = outcome === 'applied' ? record : ((await deps.contacts.getContact(written.id)) ?? record);
    return json(status, contactView(stored), stored.updatedAt ? { etag: `"${stored.updatedAt}"` } : {});
  };

  return {
    createContact: async ({ body }) => {
      const { externalId, ...fields } = parseBody(newContactBody, body);
      const { defaultFields, customFields } = openPhoneFieldsOf(fields);
      const created = await callOpenPhone('the contact creation', () =>
        openPhone().createContact({
          defaultFields: { ...defaultFields, firstName: fields.firstName ?? null },
          ...(customFields ? { customFields } : {}),
          ...(externalId ? { externalId } : {}),
        }),
      );
      return recordAndAnswer(201, created);
    },
    updateContact: async ({ params, headers, body }) => {
      const id = recordId(params.id, 'id');
      const seen = ifMatchTime(headers['if-match']);
      const fields = parseBody(contactChangesBody, body);
      const changes = openPhoneFieldsOf(fields);
      if (Object.keys(changes.defaultFields).length === 0 && !changes.customFields)
        throw new ApiRequestError(400, 'invalid_request', 'the body changes no field', 'body');
      const stored = await deps.contacts.getContact(id);
      if (stored?.deleted) throw new ApiRequestError(404, 'not_found', `contact ${id} was deleted`);
      const current = stored?.updatedAt ?? stored?.versionAt;
      if (seen !== undefined && current !== undefined && Date.parse(current) > seen)
        throw new ApiRequestError(
          409,
          'conflict',
          `contact ${id} changed in OpenPhone at ${current}, after the If-Match time: read it again and reapply the change`,
          'If-Match',
          { etag: `"${current}"` },
        );
      const updated = await callOpenPhone('the contact update', () =>
        openPhone().updateContact(id, {
          ...(Object.keys(changes.defaultFields).length ? { defaultFields: changes.defaultFields } : {}),
          ...(changes.customFields ? { customFields: changes.customFields } : {}),
        }),
      );
      return recordAndAnswer(200, updated);
    },
  };
}
