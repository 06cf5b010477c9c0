import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { activityQuery, callSimulator } from '../support/openphone-simulator';

describe('simulator fault switches', () => {
  let sim: OpenPhoneSimulator;
  beforeEach(async () => {
    sim = await startOpenPhoneSimulator({ seed: 9, rateLimit: { limit: 10_000 } });
  });
  afterEach(() => sim.stop());

  const send = (to: string) =>
    callSimulator<{ data: { id: string }; code?: string; status?: number }>(sim, 'POST', '/v1/messages', {
      content: 'Spring sale starts today',
      from: sim.workspace.phoneNumbers[0]!.number,
      to: [to],
    });

  it('drops the connection after accepting a send: the message exists, the client sees a network error', async () => {
    sim.faults.dropConnectionAfterSend = 1;
    const recipient = '+14155550142';
    await expect(send(recipient)).rejects.toThrow();

    const { id } = sim.workspace.phoneNumbers[0]!;
    const listed = await callSimulator<{ data: { text: string; direction: string }[] }>(
      sim,
      'GET',
      `/v1/messages?${activityQuery(id, recipient)}`,
    );
    expect(listed.body.data).toEqual([
      expect.objectContaining({ text: 'Spring sale starts today', direction: 'outgoing' }),
    ]);
    expect(sim.requestLog.stats().messagesSentByRecipient[recipient]).toBe(1);
    expect(sim.requestLog.entries.some((e) => e.outcome === 'reset')).toBe(true);

    // The switch is spent: a retry goes through, and the duplicate shows in the stats.
    expect((await send(recipient)).status).toBe(202);
    expect(sim.requestLog.stats().messagesSentByRecipient[recipient]).toBe(2);
  });

  it('answers 402 Not Enough Credits and records nothing while credits are out', async () => {
    sim.faults.noCredits = true;
    const answer = await send('+14155550143');
    expect(answer.status).toBe(402);
    expect(answer.body).toMatchObject({ status: 402, code: '0200402', title: 'Not Enough Credits' });
    expect(sim.requestLog.stats().messagesSentByRecipient['+14155550143']).toBeUndefined();
  });

  it('fails the next N requests with a 5xx, then recovers', async () => {
    sim.faults.failNextRequests = 2;
    sim.faults.serverErrorStatus = 503;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.requestLog.stats().serverErrors).toBe(2);
  });

  it('fails requests at random with a probability, reproducibly for a seed', async () => {
    sim.faults.serverErrorRate = 1;
    expect((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status).toBe(500);
    sim.faults.serverErrorRate = 0;
    expect((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status).toBe(200);
  });

  it('adds latency to every answer', async () => {
    sim.faults.latencyMs = 150;
    const started = Date.now();
    await callSimulator(sim, 'GET', '/v1/phone-numbers');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 401 to every request while the key is revoked, and recovers when it is restored', async () => {
    sim.faults.apiKeyRevoked = true;
    expect((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status).toBe(401);
    expect((await send('+14155550145')).status).toBe(401);
    sim.faults.apiKeyRevoked = false;
    expect((await send('+14155550145')).status).toBe(202);
  });

  it("stamps sent messages with OpenPhone's clock: skewed, to the whole second", async () => {
    sim.faults.clockSkewMs = -2_000;
    sim.faults.wholeSecondTimestamps = true;
    const before = Date.now();
    const { body } = await send('+14155550146');
    const createdAt = Date.parse((body.data as unknown as { createdAt: string }).createdAt);
    expect(createdAt % 1000).toBe(0);
    expect(createdAt).toBeLessThanOrEqual(before - 1_000);
    expect(createdAt).toBeGreaterThan(before - 4_000);
  });

  it('stores a sent text trimmed when it normalises texts', async () => {
    sim.faults.trimsSentText = true;
    const answer = await callSimulator<{ data: { text: string } }>(sim, 'POST', '/v1/messages', {
      content: '  Your technician is on the way ',
      from: sim.workspace.phoneNumbers[0]!.number,
      to: ['+14155550147'],
    });
    expect(answer.body.data.text).toBe('Your technician is on the way');
  });

  it.each([
    ['a2p-not-approved', 400, '0206400', 'A2P Registration Not Approved'],
    ['not-phone-number-user', 403, '0202403', 'Not Phone Number User'],
  ] as const)(
    'refuses sends from a number with %s, by number or id, and sends nothing',
    async (refusal, status, code, title) => {
      const from = sim.workspace.phoneNumbers[1]!;
      sim.faults.refusedSenders.set(from.id, refusal);
      const answer = await callSimulator(sim, 'POST', '/v1/messages', {
        content: 'Spring sale starts today',
        from: from.number,
        to: ['+14155550148'],
      });
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ status, code, title });
      expect(sim.requestLog.stats().messagesSentByRecipient['+14155550148']).toBeUndefined();
      // Other numbers still send.
      expect((await send('+14155550148')).status).toBe(202);
    },
  );

  it('returns to normal on reset', async () => {
    sim.faults.noCredits = true;
    sim.faults.failNextRequests = 5;
    sim.faults.reset();
    expect((await send('+14155550144')).status).toBe(202);
  });
});
