import { newestFirstKey, paginate } from './pagination';
import { contactListQuery, createContactBody, parseOr400, updateContactBody } from './requests';
import { contactResource, type ContactRecord } from './resources';
import { notFound, ok, query, route, type Route, type RouteContext, type RouteResult } from './route-context';

function findContact(context: RouteContext): ContactRecord {
  const contact = context.workspace.contacts.get(context.params.id!);
  if (!contact) throw notFound('contacts', 'Contact not found');
  return contact;
}

type CustomFieldInput = { key?: string | undefined; id?: string | undefined; value: unknown };

function customFieldsFrom(context: RouteContext, input: readonly CustomFieldInput[] | undefined) {
  return (input ?? []).map((field) => ({
    name: field.key ?? field.id ?? 'field',
    key: field.key ?? field.id ?? 'field',
    id: field.id ?? context.workspace.newFieldId(),
    type: Array.isArray(field.value)
      ? 'multi-select'
      : typeof field.value === 'boolean'
        ? 'boolean'
        : typeof field.value === 'number'
          ? 'number'
          : 'string',
    value: field.value,
  }));
}

function labelled(
  context: RouteContext,
  values: { name: string; value: string | null; id?: string | undefined }[] | undefined,
) {
  return (values ?? []).map((v) => ({
    name: v.name,
    value: v.value,
    id: v.id ?? context.workspace.newFieldId(),
  }));
}

function createContact(context: RouteContext): RouteResult {
  const body = parseOr400(createContactBody, context.body, 'contacts');
  const fields = body.defaultFields;
  const contact = context.workspace.createContact({
    externalId: body.externalId ?? null,
    source: body.source ?? 'public-api',
    defaultFields: {
      firstName: fields.firstName,
      lastName: fields.lastName ?? null,
      company: fields.company ?? null,
      role: fields.role ?? null,
      emails: labelled(context, fields.emails),
      phoneNumbers: labelled(context, fields.phoneNumbers),
    },
    customFields: customFieldsFrom(context, body.customFields),
    createdByUserId: body.createdByUserId ?? context.workspace.users[0]!.id,
  });
  return ok({ data: contactResource(contact) }, 201);
}

function updateContact(context: RouteContext): RouteResult {
  const contact = findContact(context);
  const body = parseOr400(updateContactBody, context.body, 'contacts');
  const fields = body.defaultFields ?? {};
  const current = contact.defaultFields;
  contact.defaultFields = {
    firstName: fields.firstName !== undefined ? fields.firstName : current.firstName,
    lastName: fields.lastName !== undefined ? fields.lastName : current.lastName,
    company: fields.company !== undefined ? fields.company : current.company,
    role: fields.role !== undefined ? fields.role : current.role,
    emails: fields.emails ? labelled(context, fields.emails) : current.emails,
    phoneNumbers: fields.phoneNumbers ? labelled(context, fields.phoneNumbers) : current.phoneNumbers,
  };
  if (body.customFields) contact.customFields = customFieldsFrom(context, body.customFields);
  if (body.externalId !== undefined) contact.externalId = body.externalId;
  contact.updatedAtMs = Math.max(context.workspace.now(), contact.updatedAtMs + 1);
  return ok({ data: contactResource(contact) });
}

export const contactRoutes: readonly Route[] = [
  route(
    'GET',
    '/v1/contacts',
    'contacts',
    (context) => {
      const q = query(context, contactListQuery, 'contacts', ['externalIds', 'sources']);
      const contacts = [...context.workspace.contacts.values()]
        .filter(
          (c) =>
            (!q.externalIds || (c.externalId !== null && q.externalIds.includes(c.externalId))) &&
            (!q.sources || q.sources.includes(c.source)),
        )
        .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1));
      const { maxResults: _max, pageToken, ...filters } = q;
      return ok(
        paginate(contacts, {
          keyOf: (c) => newestFirstKey(c.createdAtMs, c.id),
          maxResults: q.maxResults,
          pageToken,
          scope: `contacts:${JSON.stringify(filters)}`,
          resource: 'contacts',
          toResource: contactResource,
        }),
      );
    },
    false,
  ),
  route('POST', '/v1/contacts', 'contacts', createContact),
  route('GET', '/v1/contacts/{id}', 'contacts', (context) =>
    ok({ data: contactResource(findContact(context)) }),
  ),
  route('PATCH', '/v1/contacts/{id}', 'contacts', updateContact),
  route('DELETE', '/v1/contacts/{id}', 'contacts', (context) => {
    context.workspace.contacts.delete(findContact(context).id);
    return { status: 204 };
  }),
  route('GET', '/v1/contact-custom-fields', 'contactCustomFields', () =>
    ok({
      data: [
        { name: 'Lead source', key: 'lead-source', type: 'string' },
        { name: 'Customer since', key: 'customer-since', type: 'date' },
      ],
    }),
  ),
];
