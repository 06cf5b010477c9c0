import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ContactRepository } from '../../../lambdas/crm/adapters/contact-repository';
import { contactChangeFromWebhook, type ContactRecord } from '../../../lambdas/crm/domain/contact-records';
import { crmKeys } from '../../../lambdas/crm/domain/crm-keys';
import { entriesStillStored, listedEventEntry, listedEventIds } from '../../../lambdas/crm/domain/item-views';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { contactObject, legacyEvent } from '../../support/openphone-payloads';

// Review of "a contact lists only the events that can still exist" (5b287ed): the listing is the
// erase's only way to a processed contact event's body (a listed event is not filed under its
// object), so an entry dropped while its event is still stored is a body an erase leaves behind.

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

async function listedOn(id: string): Promise<string[]> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: crmTable, Key: crmKeys.contact(id), ConsistentRead: true }),
  );
  return listedEventIds(Item);
}

describe('a contact on a stage that keeps events longer than 90 days (EVENT_RETENTION_DAYS=365)', () => {
  // Failed before entries were dated by their event's expiry: the CRM API and the import build
  // ContactRepository without eventRetentionDays, and pruned with the default 90 whatever the stage kept.
  it('keeps listing a processed event the events table still holds when the CRM API writes the contact', async () => {
    let now = day(0);
    const processor = new ContactRepository(documents, crmTable, {
      eventRetentionDays: 365,
      clock: () => now,
    });
    await processor.upsertContact(contactAt('CTlong1', now), 'EVkept365');
    expect(await listedOn('CTlong1')).toEqual(['EVkept365']);

    // 120 days later (the event, closed on day 0, is kept until day 365) a contact edit through the
    // CRM API (or a history sync) writes the contact, with the repository as its handler wires it.
    now = day(120);
    const crmApiWired = new ContactRepository(documents, crmTable, { clock: () => now });
    expect(await crmApiWired.upsertContact(contactAt('CTlong1', now))).toEqual({ outcome: 'applied' });

    // An erase of the contact's number reads this listing to blank the event's body.
    expect(await listedOn('CTlong1')).toContain('EVkept365');
  });
});

describe('an eventIds entry whose event id itself ends in a date', () => {
  // Activities (and contacts written before entries were dated) list bare ids; the id is the
  // delivery's `id` / `webhook-id` (any 1-200 characters). Low severity: the sender must sign it.
  it('is read back as the id that was listed (listedEventIds on a bare entry)', () => {
    const activity = { eventIds: new Set(['EVodd@2026-01-01']) };
    expect(listedEventIds(activity)).toEqual(['EVodd@2026-01-01']);
  });

  it('is read back whole from a contact’s dated listing, and kept until its own expiry', () => {
    const entry = listedEventEntry('EVodd@2020-01-01', day(90));
    expect(listedEventIds({ listedEvents: new Set([entry]) })).toEqual(['EVodd@2020-01-01']);
    expect(entriesStillStored([entry], day(0), 7)).toEqual([entry]);
  });
});

describe('a stale event listed on a contact while a newer version is being written', () => {
  // Found in review (it predates the dated listing): upsertContact reads the item, a stale event's
  // ADD lands, then the put replaced the item with the ids it had read (it was guarded only by
  // `versionAt`). The stale event was processed as listed, so it is not filed under its object
  // either: an erase would never find its body. The put is now guarded by the listing's size too.
  it('keeps the stale event listed', async () => {
    const now = day(10);
    const plain = new ContactRepository(documents, crmTable, { eventRetentionDays: 90, clock: () => now });
    await plain.upsertContact(contactAt('CTrace1', day(1)), 'EVfirst');
    let injected = false;
    const racing = {
      send: async (command: { constructor: { name: string } }) => {
        if (!injected && command.constructor.name === 'PutCommand') {
          injected = true;
          // A redelivered older version of the contact, processed in between: listed by ADD.
          expect(await plain.upsertContact(contactAt('CTrace1', day(0)), 'EVstale')).toEqual({
            outcome: 'stale',
          });
        }
        return documents.send(command as never);
      },
    } as unknown as typeof documents;
    const writer = new ContactRepository(racing, crmTable, { eventRetentionDays: 90, clock: () => now });
    expect(await writer.upsertContact(contactAt('CTrace1', day(2)), 'EVnewer')).toEqual({
      outcome: 'applied',
    });
    expect(injected).toBe(true);
    expect((await listedOn('CTrace1')).sort()).toEqual(['EVfirst', 'EVnewer', 'EVstale']);
  });
});
