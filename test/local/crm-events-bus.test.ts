import type { CrmEvent } from '../../lambdas/crm-events';
import { LocalCrmEventBus } from '../../local/crm-events';

const erasedNumber = '+15550001111';
const otherNumber = '+15550002222';
let id = 0;
const envelope = (occurredAt = '2026-11-20T10:00:00.000Z') => ({
  eventId: (++id).toString(16).padStart(32, '0'),
  occurredAt,
});
const recorded = (activityId: string, contactNumber: string): CrmEvent => ({
  detailType: 'activity.recorded',
  detail: {
    ...envelope(),
    activityId,
    kind: 'message',
    direction: 'incoming',
    from: contactNumber,
    contactNumbers: [contactNumber],
    changes: ['recorded'],
  },
});
const task = (activityId: string): CrmEvent => ({
  detailType: 'activity.recorded',
  detail: { ...envelope(), activityId, kind: 'task', conversationId: 'CNx', changes: ['recorded'] },
});
const consent: CrmEvent = {
  detailType: 'consent.changed',
  detail: {
    ...envelope(),
    phoneNumber: erasedNumber,
    reason: 'opt-out',
    action: 'added',
    suppressed: true,
    changes: ['suppression'],
  },
};
const erased = (): CrmEvent[] => [
  { detailType: 'activity.erased', detail: { ...envelope(), activityId: 'TKtask1', changes: ['erased'] } },
  {
    detailType: 'contact.erased',
    detail: {
      ...envelope(),
      phoneNumber: erasedNumber,
      erased: {
        activities: 2,
        media: 0,
        contacts: 0,
        apiMessages: 0,
        eventPayloads: 2,
        campaignRecipients: 0,
      },
      changes: ['erased'],
    },
  },
];

describe("the replica's bus stand-in after an erase", () => {
  it("keeps no event naming the erased number or an erased activity; others' events and consent stay", async () => {
    const bus = new LocalCrmEventBus();
    await bus.put([
      recorded('ACtheirs1', erasedNumber),
      task('TKtask1'),
      recorded('ACother1', otherNumber),
      consent,
    ]);

    await bus.put(erased());

    const listed = bus.list();
    const held = JSON.stringify(listed.filter((e) => !e.detailType.endsWith('.erased')));
    expect(held).not.toContain('ACtheirs1');
    expect(held).not.toContain('TKtask1');
    expect(held).toContain('ACother1');
    expect(listed.map((e) => e.detailType)).toEqual([
      'activity.recorded',
      'consent.changed',
      'activity.erased',
      'contact.erased',
    ]);
  });
});
