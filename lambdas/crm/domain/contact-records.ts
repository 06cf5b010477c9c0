import { normalisePhoneNumber } from '../../shared/phone-numbers';
import type { ContactPayload, WebhookEvent } from '../../openphone';

/** A contact as the CRM holds it: deleted contacts stay, flagged, for the history that names them. */
export interface ContactRecord {
  contactId: string;
  externalId?: string;
  source?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  role?: string;
  emails: { name?: string; value: string }[];
  /** E.164 where the number is one. */
  phoneNumbers: { name?: string; value: string }[];
  customFields: {
    name?: string;
    key?: string;
    type?: string;
    value?: string | number | boolean | string[];
  }[];
  createdAt?: string;
  updatedAt?: string;
  deleted: boolean;
  deletedAt?: string;
  /** The time this version speaks for: `updatedAt`, or the deletion time; older versions never replace it. */
  versionAt: string;
}

export type ContactChange =
  { kind: 'upsert'; contact: ContactRecord } | { kind: 'delete'; contactId: string; at: string };

export type ContactMapping =
  { ok: true; change: ContactChange } | { ok: false; reason: 'missing-object-id' | 'not-a-contact' };

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A contact payload (webhook or REST) as a record; `fallbackTime` when it carries no `updatedAt`. */
export function contactRecordOf(
  contact: ContactPayload & { id: string },
  fallbackTime: string,
): ContactRecord {
  return defined({
    contactId: contact.id,
    externalId: contact.externalId,
    source: contact.source,
    firstName: contact.firstName,
    lastName: contact.lastName,
    company: contact.company,
    role: contact.role,
    emails: contact.emails.map((e) => defined({ name: e.name, value: e.value })),
    phoneNumbers: contact.phoneNumbers.map((p) =>
      defined({ name: p.name, value: normalisePhoneNumber(p.value) }),
    ),
    customFields: contact.customFields.map((f) => defined(f)),
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
    deleted: false,
    versionAt: contact.updatedAt ?? fallbackTime,
  });
}

/** The contact change a `contact.*` webhook makes; `receivedAt` stands in for a missing event time. */
export function contactChangeFromWebhook(event: WebhookEvent, receivedAt: string): ContactMapping {
  if (event.kind !== 'contact') return { ok: false, reason: 'not-a-contact' };
  const { id } = event.object;
  if (!id) return { ok: false, reason: 'missing-object-id' };
  const eventTime = event.occurredAt ?? receivedAt;
  if (event.type === 'contact.deleted' || event.object.deleted) {
    const at = event.object.deletedAt ?? eventTime;
    return { ok: true, change: { kind: 'delete', contactId: id, at } };
  }
  return {
    ok: true,
    change: { kind: 'upsert', contact: contactRecordOf({ ...event.object, id }, eventTime) },
  };
}

/** The phone numbers a contact is found by. */
export function contactPhoneNumbers(contact: Pick<ContactRecord, 'phoneNumbers'>): string[] {
  return [...new Set(contact.phoneNumbers.map((p) => p.value))].sort();
}

/** Lower case, accents and punctuation dropped: how names are compared when searching. */
const foldName = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Whether a contact answers a name search: every word of the query begins a word of its first name,
 * last name or company ("ada love" finds Ada Lovelace; "José" finds "Jose"). An empty query finds none.
 */
export function contactMatchesName(
  contact: Pick<ContactRecord, 'firstName' | 'lastName' | 'company'>,
  query: string,
): boolean {
  const wanted = foldName(query).split(' ').filter(Boolean);
  if (wanted.length === 0) return false;
  const words = foldName([contact.firstName, contact.lastName, contact.company].filter(Boolean).join(' '))
    .split(' ')
    .filter(Boolean);
  return wanted.every((w) => words.some((word) => word.startsWith(w)));
}
