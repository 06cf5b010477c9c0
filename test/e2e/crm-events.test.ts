import { crmEventDetails, type CrmEventType } from '../../lambdas/crm-events';
import type { BusEvent } from '../../local/crm-events';
import type { LocalReplica } from '../../local/replica';
import { runAgainst } from '../support/cli';
import {
  contactNumber,
  legacyEvent as openPhoneEvent,
  messageObject,
  outgoingMessageObject,
} from '../support/openphone-payloads';
import { replicaStateDir, sendLegacyWebhook, startTestReplica } from '../support/replica';
import { localTarget } from '../../cli/local-target';

describe('CRM events on the local replica', () => {
  const { stateDir, replicaFile } = replicaStateDir('crm-events-');
  const received: string[] = [];
  let replica: LocalReplica;

  beforeAll(async () => {
    replica = await startTestReplica(stateDir, (line) => received.push(line));
  });
  afterAll(() => replica?.stop());

  async function send(event: Record<string, unknown>): Promise<void> {
    const response = await sendLegacyWebhook(replica, event);
    expect(response.status).toBe(202);
  }

  async function eventOn(
    type: CrmEventType,
    test: (e: BusEvent) => boolean,
    timeoutMs = 15_000,
  ): Promise<BusEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = replica.crmEvents.bus.list(type).find(test);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${type} on the bus; it holds ${JSON.stringify(replica.crmEvents.bus.list())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const activityId = (e: BusEvent) => (e.detail as { activityId?: string }).activityId;

  it('a signed inbound webhook → activity.recorded on the bus, and GET /v1/activities/{id} returns it', async () => {
    const now = new Date().toISOString();
    await send(
      openPhoneEvent('message.received', messageObject({ id: 'ACbus0001', createdAt: now }), now, {
        id: 'EVbus0001',
      }),
    );
    const event = await eventOn('activity.recorded', (e) => activityId(e) === 'ACbus0001');
    expect(event).toMatchObject({
      source: 'openphone-bridge',
      detail: {
        activityId: 'ACbus0001',
        kind: 'message',
        direction: 'incoming',
        from: contactNumber,
        changes: ['recorded', 'status'],
      },
    });
    crmEventDetails['activity.recorded'].parse(event.detail);
    expect(JSON.stringify(event)).not.toContain('Hello there'); // no text by default

    const response = await fetch(`${replica.crmApi.url}/activities/ACbus0001`, {
      headers: { authorization: `Bearer ${replica.crmApi.token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 'ACbus0001', kind: 'message' });

    const admin = await fetch(
      `${new URL(replica.webhookUrl).origin}/local/admin/crm-events?type=activity.recorded`,
      { headers: { authorization: `Bearer ${replica.crmApi.token}` } },
    );
    const listed = (await admin.json()) as { events: BusEvent[] };
    expect(listed.events.map(activityId)).toContain('ACbus0001');
    expect(listed.events.every((e) => e.detailType === 'activity.recorded')).toBe(true);
  });

  it("an outgoing message's delivery → message.status-changed; a STOP → consent.changed", async () => {
    const sentAt = '2026-11-30T10:00:00.000Z';
    await send(
      openPhoneEvent(
        'message.delivered',
        outgoingMessageObject({ id: 'ACbusout1', createdAt: sentAt, status: 'sent' }),
        sentAt,
        {
          id: 'EVbusout1',
        },
      ),
    );
    await eventOn('activity.recorded', (e) => activityId(e) === 'ACbusout1');
    const deliveredAt = '2026-11-30T10:00:09.000Z';
    await send(
      openPhoneEvent(
        'message.delivered',
        outgoingMessageObject({ id: 'ACbusout1', createdAt: sentAt, status: 'delivered' }),
        deliveredAt,
        { id: 'EVbusout2' },
      ),
    );
    const delivered = await eventOn('message.status-changed', (e) => activityId(e) === 'ACbusout1');
    expect(delivered.detail).toMatchObject({
      status: 'delivered',
      previousStatus: 'sent',
      occurredAt: deliveredAt,
    });

    const now = new Date().toISOString();
    await send(
      openPhoneEvent(
        'message.received',
        messageObject({ id: 'ACbusstop', text: 'STOP', media: [], createdAt: now }),
        now,
        { id: 'EVbusstop' },
      ),
    );
    const optOut = await eventOn(
      'consent.changed',
      (e) => (e.detail as { reason?: string }).reason === 'opt-out',
    );
    expect(optOut.detail).toMatchObject({ phoneNumber: contactNumber, action: 'added', suppressed: true });
  });

  it('loses nothing when the bus refuses puts for a while', async () => {
    let refusals = 0;
    replica.crmEvents.bus.refuse = () => refusals++ < 6;
    const now = new Date().toISOString();
    await send(
      openPhoneEvent('message.received', messageObject({ id: 'ACbusretry', createdAt: now }), now, {
        id: 'EVbusretry',
      }),
    );
    await eventOn('activity.recorded', (e) => activityId(e) === 'ACbusretry');
    replica.crmEvents.bus.refuse = undefined;
    expect(refusals).toBeGreaterThan(1);
    expect(replica.crmEvents.failures).toEqual([]);
  });

  it('`crm-events list` shows what is on the bus, as a table or as JSON', async () => {
    const target = () => localTarget(replicaFile);
    const table = await runAgainst(target(), 'crm-events', 'list', '--type', 'activity.recorded');
    expect(table.code).toBe(0);
    expect(table.stdout.join('\n')).toMatch(/activity\.recorded\s+ACbus0001/);
    const json = await runAgainst(target(), 'crm-events', 'list', '--json');
    expect(json.code).toBe(0);
    const events = JSON.parse(json.stdout.join('\n')) as BusEvent[];
    expect(events.map((e) => e.detailType)).toEqual(
      expect.arrayContaining(['activity.recorded', 'message.status-changed', 'consent.changed']),
    );
  });
});
