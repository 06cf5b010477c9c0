import { ContactRepository } from '../../../lambdas/crm/adapters/contact-repository';
import { contactChangeFromWebhook, type ContactRecord } from '../../../lambdas/crm/domain/contact-records';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { contactObject, legacyEvent } from '../../support/openphone-payloads';

let contacts: ContactRepository;
const at = '2026-11-20T10:00:00.000Z';

function contact(overrides: Record<string, unknown>): ContactRecord {
  const parsed = parseWebhookEvent(legacyEvent('contact.updated', contactObject(overrides), at));
  if (!parsed.ok) throw new Error(parsed.reason);
  const mapped = contactChangeFromWebhook(parsed.value, at);
  if (!mapped.ok || mapped.change.kind !== 'upsert') throw new Error('expected a contact upsert');
  return mapped.change.contact;
}

beforeAll(async () => {
  const names = await createBridgeTables();
  contacts = new ContactRepository(localDocumentClient(), tableNamed(names, 'CrmTable'));
  const people = [
    { id: 'CTsearch1', firstName: 'Grace', lastName: 'Hopperton', phone: '+15557770001' },
    { id: 'CTsearch2', firstName: 'Grace', lastName: 'Hopperton', phone: '+15557770002' },
    { id: 'CTsearch3', firstName: 'Gracie', lastName: 'Other', phone: '+15557770003' },
    { id: 'CTsearch4', firstName: 'Grace', lastName: 'Hopperton-Gone', phone: '+15557770004' },
  ];
  for (const p of people)
    await contacts.upsertContact(
      contact({
        id: p.id,
        firstName: p.firstName,
        lastName: p.lastName,
        phoneNumbers: [{ name: 'mobile', value: p.phone, id: `${p.id}-p` }],
        updatedAt: at,
      }),
    );
  await contacts.markContactDeleted('CTsearch4', '2026-11-20T11:00:00.000Z');
}, 120_000);

describe('ContactRepository.findContactsByName on DynamoDB Local', () => {
  it('finds every live contact of that name, with its numbers, and not a deleted one', async () => {
    const found = await contacts.findContactsByName('grace hopperton');
    expect(found.complete).toBe(true);
    expect(found.items.map((c) => c.contactId)).toEqual(['CTsearch1', 'CTsearch2']);
    expect(found.items[0]!.phoneNumbers.map((p) => p.value)).toEqual(['+15557770001']);
  });

  it('stops at the limit and says the search was not complete when it stopped early', async () => {
    const found = await contacts.findContactsByName('grace hopperton', { limit: 1, pageSize: 1 });
    expect(found.items).toHaveLength(1);
    expect(found.complete).toBe(false);
    const capped = await contacts.findContactsByName('grace hopperton', { maxItemsRead: 1, pageSize: 1 });
    expect(capped).toMatchObject({ complete: false, itemsRead: 1 });
  });

  it('finds nobody for a name no contact has', async () => {
    const found = await contacts.findContactsByName('Zebedee Nobody');
    expect(found).toMatchObject({ items: [], complete: true });
  });
});
