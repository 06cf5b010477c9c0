import { contactChangeFromWebhook, contactPhoneNumbers } from '../../../lambdas/crm/domain/contact-records';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { contactObject, legacyEvent } from '../../support/openphone-payloads';

const at = '2026-11-20T10:00:01.000Z';

function changeOf(body: unknown) {
  const parsed = parseWebhookEvent(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return contactChangeFromWebhook(parsed.value, at);
}

describe('contact webhooks as contact changes', () => {
  it('an update is a contact record versioned by its updatedAt, numbers in E.164', () => {
    const result = changeOf(
      legacyEvent(
        'contact.updated',
        contactObject({ phoneNumbers: [{ name: 'work', value: '(555) 222-3333' }] }),
        at,
      ),
    );
    expect(result).toEqual({
      ok: true,
      change: {
        kind: 'upsert',
        contact: {
          contactId: 'CTcontact01',
          firstName: 'Ada',
          lastName: 'Lovelace',
          company: 'Analytical Engines',
          role: 'Founder',
          emails: [{ name: 'work', value: 'ada@example.com' }],
          phoneNumbers: [{ name: 'work', value: '+15552223333' }],
          customFields: [{ name: 'Tier', key: 'tier', type: 'string', value: 'gold' }],
          createdAt: '2026-11-01T09:00:00.000Z',
          updatedAt: '2026-11-10T09:00:00.000Z',
          deleted: false,
          versionAt: '2026-11-10T09:00:00.000Z',
        },
      },
    });
  });

  it('a contact without updatedAt is versioned by the event time', () => {
    const result = changeOf(legacyEvent('contact.updated', contactObject({ updatedAt: null }), at));
    expect(result.ok && result.change.kind === 'upsert' && result.change.contact.versionAt).toBe(at);
  });

  it('a deletion is a soft delete at the event time', () => {
    expect(changeOf(legacyEvent('contact.deleted', contactObject(), at))).toEqual({
      ok: true,
      change: { kind: 'delete', contactId: 'CTcontact01', at },
    });
  });

  it('refuses a contact without an id', () => {
    expect(changeOf(legacyEvent('contact.updated', contactObject({ id: '' }), at))).toEqual({
      ok: false,
      reason: 'missing-object-id',
    });
  });

  it('lists the distinct numbers a contact is found by', () => {
    expect(
      contactPhoneNumbers({
        phoneNumbers: [
          { value: '+15552223333' },
          { name: 'again', value: '+15552223333' },
          { value: '+15550009999' },
        ],
      }),
    ).toEqual(['+15550009999', '+15552223333']);
  });
});
