import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { optOutReplies } from '../../local/openphone-simulator/traffic';
import { defaultTrafficRates } from '../../local/openphone-simulator/traffic-rates';
import type { LocalReplica } from '../../local/replica';
import { replicaStateDir, startTestReplica } from '../support/replica';

jest.setTimeout(120_000);

/**
 * The simulated office's campaign recipients answer with opt-outs as people write them; the
 * simulator posts them as signed webhooks to the replica, which suppresses each sender.
 */
describe('campaign recipients of the simulated workspace asking to stop', () => {
  const { stateDir } = replicaStateDir('replica-traffic-');
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;

  beforeAll(async () => {
    replica = await startTestReplica(stateDir, () => undefined);
    simulator = await startOpenPhoneSimulator({
      seed: 5,
      webhookTarget: { url: replica.webhookUrl, scheme: 'legacy', key: replica.signingKeys[0]! },
      traffic: {
        ...defaultTrafficRates,
        inboundEveryMs: 3_600_000,
        replyShare: 1,
        optOutShare: 1,
        undeliveredShare: 0,
        recipientReplyMs: [10, 200],
      },
    });
  }, 60_000);
  afterAll(async () => {
    await simulator?.stop();
    await replica?.stop();
  });

  it('suppresses every recipient who replied "please stop texting me", "Stop.", "unsubscribe me"…', async () => {
    const run = Date.now() % 1_000_000;
    const recipients = Array.from({ length: 12 }, (_, i) => `+1503${String(run * 10 + i).padStart(7, '0')}`);
    for (const to of recipients)
      simulator.workspace.sendMessage({
        phoneNumberId: simulator.workspace.phoneNumbers[0]!.id,
        to,
        text: 'Spring tune-up: 20% off this week',
      });
    const { suppressions } = replica.processing;
    const active = async () =>
      Promise.all(recipients.map(async (p) => (await suppressions.suppressionsOf(p)).some((s) => s.active)));
    const deadline = Date.now() + 60_000;
    while (!(await active()).every(Boolean)) {
      if (Date.now() > deadline) throw new Error(`suppressed: ${(await active()).join(',')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const replies = recipients.map((p) => {
      const conversation = simulator.workspace.conversationFor(simulator.workspace.phoneNumbers[0]!.id, p)!;
      const inbound = simulator.workspace.activitiesOf(conversation).find((a) => a.direction === 'incoming');
      return inbound?.kind === 'message' ? inbound.text : undefined;
    });
    for (const text of replies) expect(optOutReplies).toContain(text);
    // People's own words, not one keyword.
    expect(new Set(replies).size).toBeGreaterThanOrEqual(3);
    for (const p of recipients)
      expect((await suppressions.suppressionsOf(p)).filter((s) => s.active).map((s) => s.reason)).toEqual([
        'opt-out',
      ]);
  });
});
