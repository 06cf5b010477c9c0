import { crmEventDetails, type CrmEventType } from '../../lambdas/crm-events';
import { environmentNames } from '../../lambdas/shared/environment';
import type { CfnTemplate } from '../../local/cfn-tables';
import type { BusEvent } from '../../local/crm-events';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import {
  callObject,
  legacyEvent as openPhoneEvent,
  messageObject,
  outgoingMessageObject,
} from '../support/openphone-payloads';
import { sendLegacyWebhook } from '../support/replica';

/** Open around the clock (UTC), a 1-minute target: what a stage sets in `followUp`. */
const alwaysOpen = {
  default: {
    timeZone: 'UTC',
    openingHours: Object.fromEntries(
      ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => [
        d,
        [{ start: '00:00', end: '23:59' }],
      ]),
    ),
    replyTargetMinutes: 1,
  },
  byNumber: {},
};

/** The stack's template with the stage's `followUp` as lib/ gives it to the processors and the timer. */
function templateWithFollowUp(settings: unknown): CfnTemplate {
  const template = structuredClone(bridgeTemplate());
  for (const resource of Object.values(template.Resources) as {
    Type: string;
    Properties?: { Environment?: { Variables?: Record<string, string> } };
  }[]) {
    const variables = resource.Properties?.Environment?.Variables;
    if (resource.Type === 'AWS::Lambda::Function' && variables?.[environmentNames.followUp])
      variables[environmentNames.followUp] = JSON.stringify(settings);
  }
  return template;
}

describe('follow-up events on the local replica', () => {
  let replica: LocalReplica;

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: templateWithFollowUp(alwaysOpen),
      log: () => undefined,
      // The stack's rule runs every minute; here every half second, to keep the test short.
      replyDueEveryMs: 500,
    });
  });
  afterAll(() => replica?.stop());

  async function send(event: Record<string, unknown>): Promise<void> {
    expect((await sendLegacyWebhook(replica, event)).status).toBe(202);
  }

  async function eventOn(type: CrmEventType, test: (e: BusEvent) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = replica.crmEvents.bus.list(type).find(test);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${type} on the bus: ${JSON.stringify(replica.crmEvents.bus.list())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const about = (id: string) => (e: BusEvent) =>
    (e.detail as { conversation?: { id?: string } }).conversation?.id === id;

  it('an inbound text past its due time → conversation.waiting once; a reply → conversation.answered', async () => {
    const sentAt = new Date(Date.now() - 5 * 60_000).toISOString(); // already past a 1-minute target
    await send(
      openPhoneEvent(
        'message.received',
        messageObject({
          id: 'ACfu0001',
          conversationId: 'CNfu0001',
          text: 'Are you coming today?',
          createdAt: sentAt,
        }),
        sentAt,
        { id: 'EVfu0001' },
      ),
    );
    const waiting = await eventOn('conversation.waiting', about('CNfu0001'));
    crmEventDetails['conversation.waiting'].parse(waiting.detail);
    expect(waiting.detail).toMatchObject({
      conversation: { id: 'CNfu0001', waitingSince: sentAt, replyTargetMinutes: 1 },
      changes: ['overdue'],
    });
    await new Promise((r) => setTimeout(r, 1_500)); // three more timer runs
    expect(replica.crmEvents.bus.list('conversation.waiting').filter(about('CNfu0001'))).toHaveLength(1);

    const repliedAt = new Date().toISOString();
    await send(
      openPhoneEvent(
        'message.delivered',
        outgoingMessageObject({
          id: 'ACfu0002',
          conversationId: 'CNfu0001',
          status: 'delivered',
          createdAt: repliedAt,
        }),
        repliedAt,
        { id: 'EVfu0002' },
      ),
    );
    const answered = await eventOn('conversation.answered', about('CNfu0001'));
    crmEventDetails['conversation.answered'].parse(answered.detail);
    expect(answered.detail).toMatchObject({
      waitingSince: sentAt,
      answeredAt: repliedAt,
      answeredBy: { activityId: 'ACfu0002', kind: 'message' },
      withinTarget: false,
    });
    expect(
      (answered.detail as { responseBusinessMinutes: number }).responseBusinessMinutes,
    ).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('an inbound call that ends unanswered → call.missed', async () => {
    const at = new Date().toISOString();
    await send(
      openPhoneEvent(
        'call.completed',
        callObject({
          id: 'ACfucall1',
          conversationId: 'CNfu0002',
          status: 'no-answer',
          createdAt: at,
          completedAt: at,
        }),
        at,
        { id: 'EVfu0003' },
      ),
    );
    const missed = await eventOn(
      'call.missed',
      (e) => (e.detail as { callId?: string }).callId === 'ACfucall1',
    );
    crmEventDetails['call.missed'].parse(missed.detail);
    expect(missed.detail).toMatchObject({ conversation: { id: 'CNfu0002' }, voicemail: false });
  }, 60_000);
});
