import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ContactRepository } from '../../../lambdas/crm/adapters/contact-repository';
import { contactChangeFromWebhook, type ContactRecord } from '../../../lambdas/crm/domain/contact-records';
import { crmKeys } from '../../../lambdas/crm/domain/crm-keys';
import { listedEventEntry, listedEventIds } from '../../../lambdas/crm/domain/item-views';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { contactObject, legacyEvent } from '../../support/openphone-payloads';

// A contact lists the webhook events that wrote it (an erase blanks their bodies). Written once per
// webhook for years, the list must not grow without end: it keeps what the events table still has.

const documents = localDocumentClient();
let crmTable: string;
beforeAll(async () => {
  crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
}, 120_000);

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

function contactAt(id: string, updatedAt: Date): ContactRecord {
  const iso = updatedAt.toISOString();
  const parsed = parseWebhookEvent(
    legacyEvent('contact.updated', contactObject({ id, updatedAt: iso }), iso),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  const mapped = contactChangeFromWebhook(parsed.value, iso);
  if (!mapped.ok || mapped.change.kind !== 'upsert') throw new Error('expected a contact upsert');
  return mapped.change.contact;
}

async function storedContact(id: string) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: crmTable, Key: crmKeys.contact(id), ConsistentRead: true }),
  );
  return Item!;
}

describe('a contact written by webhook after webhook', () => {
  it('lists only the events the events table can still hold (90 days after they close, and a week of TTL lag)', async () => {
    let now = day(0);
    const contacts = new ContactRepository(documents, crmTable, { eventRetentionDays: 90, clock: () => now });
    // A webhook every 2 days for 400 days: 200 writes.
    for (let n = 0; n < 200; n++) {
      now = day(2 * n);
      expect(await contacts.upsertContact(contactAt('CTbusy1', now), `EVbusy${n}`)).toEqual({
        outcome: 'applied',
      });
    }
    const listed = listedEventIds(await storedContact('CTbusy1'));
    // Each expires 90 days after its write and is kept 7 days past that: on day 398, the writes of
    // days 302 to 398 (302 + 90 = 392 ≥ 398 − 7; writes fall on even days), 49 of 200.
    expect(listed).toHaveLength(49);
    expect(listed).toContain('EVbusy199');
    expect(listed).toContain('EVbusy151');
    expect(listed).not.toContain('EVbusy150');
  });

  it('keeps the bare ids listed before entries were dated, and dates the ones it adds by their expiry', async () => {
    let now = day(0);
    const contacts = new ContactRepository(documents, crmTable, { eventRetentionDays: 90, clock: () => now });
    await contacts.upsertContact(contactAt('CTolder1', now), 'EVfirst');
    // An item from before: bare ids in `eventIds`, as the processors wrote them.
    const item = await storedContact('CTolder1');
    item.eventIds = new Set(['EVbare']);
    await documents.send(new PutCommand({ TableName: crmTable, Item: item }));
    now = day(200);
    await contacts.upsertContact(contactAt('CTolder1', now), 'EVlate');
    const stored = await storedContact('CTolder1');
    expect(listedEventIds(stored).sort()).toEqual(['EVbare', 'EVlate']);
    expect([...(stored.eventIds as Set<string>)]).toEqual(['EVbare']); // the bare ids stay as they were
    expect([...(stored.listedEvents as Set<string>)]).toEqual([listedEventEntry('EVlate', day(290))]);
  });
});
