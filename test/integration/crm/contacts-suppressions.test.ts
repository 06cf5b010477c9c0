import { ContactRepository } from '../../../lambdas/crm/adapters/contact-repository';
import { DeliveryHealthRepository } from '../../../lambdas/crm/adapters/delivery-health-repository';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import { contactChangeFromWebhook, type ContactRecord } from '../../../lambdas/crm/domain/contact-records';
import { consentChangeOf, deliveryOutcomesOf } from '../../../lambdas/crm/domain/activity-signals';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  contactObject,
  legacyEvent,
  messageObject,
  outgoingMessageObject,
} from '../../support/openphone-payloads';

let contacts: ContactRepository;
let suppressions: SuppressionRepository;
let deliveryHealth: DeliveryHealthRepository;

beforeAll(async () => {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  contacts = new ContactRepository(documents, crmTable);
  suppressions = new SuppressionRepository(documents, crmTable);
  deliveryHealth = new DeliveryHealthRepository(documents, crmTable);
  // Synthesizing the stack for the table schema can take long on a loaded machine.
}, 120_000);

let counter = 0;
/** A fresh US number per test, so tests sharing the table never share a number. */
const freshNumber = () => `+1555${String(3_000_000 + counter++).padStart(7, '0')}`;
const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;

function contactVersion(overrides: Record<string, unknown>): ContactRecord {
  const parsed = parseWebhookEvent(legacyEvent('contact.updated', contactObject(overrides), at(0)));
  if (!parsed.ok) throw new Error(parsed.reason);
  const mapped = contactChangeFromWebhook(parsed.value, at(0));
  if (!mapped.ok || mapped.change.kind !== 'upsert') throw new Error('expected a contact upsert');
  return mapped.change.contact;
}

describe('contacts', () => {
  it('finds a contact by id and by each of its numbers', async () => {
    const [mobile, work] = [freshNumber(), freshNumber()];
    const contact = contactVersion({
      id: 'CTfind1',
      phoneNumbers: [
        { name: 'mobile', value: mobile },
        { name: 'work', value: work },
      ],
    });
    expect(await contacts.upsertContact(contact)).toEqual({ outcome: 'applied' });
    expect(await contacts.getContact('CTfind1')).toEqual(contact);
    expect((await contacts.contactsByPhoneNumber(mobile)).map((c) => c.contactId)).toEqual(['CTfind1']);
    expect((await contacts.contactsByPhoneNumber(work)).map((c) => c.contactId)).toEqual(['CTfind1']);
  });

  it('a newer version moves the phone links; an older one is stale', async () => {
    const [old, replacement] = [freshNumber(), freshNumber()];
    await contacts.upsertContact(
      contactVersion({ id: 'CTmove1', phoneNumbers: [{ value: old }], updatedAt: at(1) }),
    );
    const newer = contactVersion({
      id: 'CTmove1',
      firstName: 'Augusta',
      phoneNumbers: [{ value: replacement }],
      updatedAt: at(2),
    });
    expect(await contacts.upsertContact(newer)).toEqual({ outcome: 'applied' });
    expect(await contacts.contactsByPhoneNumber(old)).toEqual([]);
    expect(await contacts.contactsByPhoneNumber(replacement)).toEqual([newer]);

    const older = contactVersion({
      id: 'CTmove1',
      firstName: 'Stale',
      phoneNumbers: [{ value: old }],
      updatedAt: at(1),
    });
    expect(await contacts.upsertContact(older)).toEqual({ outcome: 'stale' });
    expect(await contacts.getContact('CTmove1')).toEqual(newer);
  });

  it('a deleted contact is kept, flagged, and no longer found by number unless asked', async () => {
    const number = freshNumber();
    await contacts.upsertContact(
      contactVersion({ id: 'CTdel1', phoneNumbers: [{ value: number }], updatedAt: at(1) }),
    );
    expect(await contacts.markContactDeleted('CTdel1', at(3))).toEqual({ outcome: 'applied' });

    expect(await contacts.getContact('CTdel1')).toMatchObject({
      contactId: 'CTdel1',
      firstName: 'Ada',
      deleted: true,
      deletedAt: at(3),
    });
    expect(await contacts.contactsByPhoneNumber(number)).toEqual([]);
    expect(
      (await contacts.contactsByPhoneNumber(number, { includeDeleted: true })).map((c) => c.contactId),
    ).toEqual(['CTdel1']);
    const lateUpdate = contactVersion({ id: 'CTdel1', phoneNumbers: [{ value: number }], updatedAt: at(2) });
    expect(await contacts.upsertContact(lateUpdate)).toEqual({ outcome: 'stale' });
  });

  it('a deletion that arrives before the contact leaves a tombstone an older update cannot revive', async () => {
    expect(await contacts.markContactDeleted('CTdel2', at(5))).toEqual({ outcome: 'applied' });
    expect(await contacts.upsertContact(contactVersion({ id: 'CTdel2', updatedAt: at(4) }))).toEqual({
      outcome: 'stale',
    });
    expect(await contacts.getContact('CTdel2')).toMatchObject({ deleted: true });
    expect(await contacts.markContactDeleted('CTdel2', at(4))).toEqual({ outcome: 'stale' });
  });
});

describe('opt-out and opt-in', () => {
  const incoming = (number: string, id: string, text: string, minute: number) => {
    const consent = consentChangeOf(
      changeFromWebhook(
        legacyEvent(
          'message.received',
          messageObject({ id, from: number, text, createdAt: at(minute) }),
          at(minute),
        ),
      ),
    );
    if (!consent) throw new Error(`"${text}" is no consent keyword`);
    return consent;
  };

  it('STOP suppresses the sender and START lifts it, each with an audit entry', async () => {
    const number = freshNumber();
    expect(await suppressions.isSuppressed(number)).toBe(false);

    expect(await suppressions.applyConsentChange(incoming(number, 'ACstop1', 'Stop', 1))).toEqual({
      outcome: 'applied',
    });
    expect(await suppressions.isSuppressed(number)).toBe(true);

    expect(await suppressions.applyConsentChange(incoming(number, 'ACstart1', 'START', 2))).toEqual({
      outcome: 'applied',
    });
    expect(await suppressions.isSuppressed(number)).toBe(false);

    expect(await suppressions.suppressionAudit(number)).toEqual([
      {
        phoneNumber: number,
        reason: 'opt-out',
        action: 'add',
        at: at(1),
        reference: 'ACstop1',
        matched: 'stop',
        excerpt: 'Stop',
      },
      {
        phoneNumber: number,
        reason: 'opt-out',
        action: 'remove',
        at: at(2),
        reference: 'ACstart1',
        matched: 'start',
        excerpt: 'START',
      },
    ]);
  });

  it('an opt-in processed before the earlier STOP still leaves the number opted in', async () => {
    const number = freshNumber();
    await suppressions.applyConsentChange(incoming(number, 'ACstart2', 'unstop', 2));
    expect(await suppressions.applyConsentChange(incoming(number, 'ACstop2', 'UNSUBSCRIBE', 1))).toEqual({
      outcome: 'stale',
    });
    expect(await suppressions.isSuppressed(number)).toBe(false);
    expect((await suppressions.suppressionAudit(number)).map((e) => e.action)).toEqual(['add', 'remove']);
  });

  it('a repeated STOP delivery writes one audit entry', async () => {
    const number = freshNumber();
    const stop = incoming(number, 'ACstop3', 'STOP', 1);
    await suppressions.applyConsentChange(stop);
    await suppressions.applyConsentChange(stop);
    expect(await suppressions.suppressionAudit(number)).toHaveLength(1);
    expect(await suppressions.isSuppressed(number)).toBe(true);
  });

  it('HELP changes nothing', async () => {
    const number = freshNumber();
    expect(await suppressions.applyConsentChange(incoming(number, 'AChelp', 'help', 1))).toEqual({
      outcome: 'ignored',
    });
    expect(await suppressions.suppressionAudit(number)).toEqual([]);
  });
});

describe('bounce suppression', () => {
  const outcome = (number: string, id: string, status: 'delivered' | 'undelivered', minute: number) => {
    const [result] = deliveryOutcomesOf(
      changeFromWebhook(
        legacyEvent(`message.${status}`, outgoingMessageObject({ id, to: [number], status }), at(minute)),
      ),
    );
    return result!;
  };

  it('suppresses a number after three consecutive failed deliveries', async () => {
    const number = freshNumber();
    const first = await deliveryHealth.recordDeliveryOutcome(outcome(number, 'ACf1', 'undelivered', 1));
    const second = await deliveryHealth.recordDeliveryOutcome(outcome(number, 'ACf2', 'undelivered', 2));
    expect([first.suppressed, second.suppressed]).toEqual([false, false]);
    expect(await suppressions.isSuppressed(number)).toBe(false);

    const third = await deliveryHealth.recordDeliveryOutcome(outcome(number, 'ACf3', 'undelivered', 3));
    expect(third).toMatchObject({ consecutiveFailures: 3, suppressed: true });
    expect(await suppressions.isSuppressed(number)).toBe(true);
    expect(await suppressions.suppressionAudit(number)).toEqual([
      { phoneNumber: number, reason: 'bounce', action: 'add', at: at(3), reference: 'ACf3' },
    ]);
  });

  it('a delivery resets the count', async () => {
    const number = freshNumber();
    for (const [id, status, minute] of [
      ['ACr1', 'undelivered', 1],
      ['ACr2', 'undelivered', 2],
      ['ACr3', 'delivered', 3],
      ['ACr4', 'undelivered', 4],
      ['ACr5', 'undelivered', 5],
    ] as const) {
      await deliveryHealth.recordDeliveryOutcome(outcome(number, id, status, minute));
    }
    expect(await suppressions.isSuppressed(number)).toBe(false);
  });

  it('a repeated failure is counted once', async () => {
    const number = freshNumber();
    const failure = outcome(number, 'ACd1', 'undelivered', 1);
    await deliveryHealth.recordDeliveryOutcome(failure);
    await deliveryHealth.recordDeliveryOutcome(failure);
    const result = await deliveryHealth.recordDeliveryOutcome(outcome(number, 'ACd2', 'undelivered', 2));
    expect(result).toMatchObject({ consecutiveFailures: 2, suppressed: false });
  });

  it('a later delivery lifts a bounce suppression, keeping an opt-out', async () => {
    const number = freshNumber();
    for (const minute of [1, 2, 3]) {
      await deliveryHealth.recordDeliveryOutcome(outcome(number, `ACb${minute}`, 'undelivered', minute));
    }
    await suppressions.addSuppression({
      phoneNumber: number,
      reason: 'opt-out',
      at: at(4),
      reference: 'ACstop',
    });
    await deliveryHealth.recordDeliveryOutcome(outcome(number, 'ACok', 'delivered', 5));
    expect((await suppressions.suppressionsOf(number)).map((s) => [s.reason, s.active])).toEqual([
      ['bounce', false],
      ['opt-out', true],
    ]);
  });
});
