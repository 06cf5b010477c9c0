import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import {
  line,
  messageObject,
  quoEventOf,
  taskObject,
  voicemailResource,
} from '../support/openphone-payloads';
import { newStandardKey, standardWebhookHeaders } from '../support/signers';

jest.setTimeout(60_000);

/** Quo's new webhooks end to end on the replica: signed with Standard Webhooks, read from `context`. */
describe('a new-envelope webhook on the local replica', () => {
  let replica: LocalReplica;
  const received: string[] = [];
  const key = newStandardKey();

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      signingKeys: [key],
      log: (l) => received.push(l),
    });
  });
  afterAll(() => replica.stop());

  async function post(event: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify(event);
    const response = await fetch(replica.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...standardWebhookHeaders(body, key) },
      body,
    });
    return response.status;
  }

  async function until(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; consumers saw: ${received.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a signed STOP whose sender is only in data.context suppresses that sender', async () => {
    const sender = '+15557009001';
    const now = new Date().toISOString();
    const stop = quoEventOf(
      'message.received',
      messageObject({ id: 'ACquoe2estop', from: sender, text: 'STOP', media: [], createdAt: now }),
      now,
      { id: 'EVquoe2estop' },
    );
    expect((stop.data as { resource: Record<string, unknown> }).resource).not.toHaveProperty('from');

    expect(await post(stop)).toBe(202);
    await until(() => received.some((l) => l.includes('EVquoe2estop → processed')));

    const { activities, suppressions } = replica.processing;
    expect(await suppressions.isSuppressed(sender)).toBe(true);
    expect(await activities.getActivity('ACquoe2estop')).toMatchObject({
      from: sender,
      to: [line.number],
      contactNumbers: [sender],
      phoneNumberId: line.id,
    });
  });

  it('a signed message whose sender is not given ends failed with its reason, and nobody is suppressed', async () => {
    const now = new Date().toISOString();
    const event = quoEventOf(
      'message.received',
      messageObject({ id: 'ACquoe2enobody', from: '+15557009002', text: 'STOP', media: [], createdAt: now }),
      now,
      { id: 'EVquoe2enobody', context: { senderIdentifier: null } },
    );
    expect(await post(event)).toBe(202);
    await until(() => received.some((l) => l.includes('EVquoe2enobody → failed')));
    expect(await replica.processing.events.getEvent('EVquoe2enobody')).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/^data\.context\.senderIdentifier: /),
    });
    expect(await replica.processing.suppressions.isSuppressed('+15557009002')).toBe(false);
  });

  it('a signed task and a signed voicemail go through their own queues to their records', async () => {
    const now = new Date().toISOString();
    const task = quoEventOf(
      'task.created',
      taskObject({ taskId: 'TKquoe2e', conversationId: 'CNquoe2e' }),
      now,
      {
        id: 'EVquoe2etask',
      },
    );
    const voicemail = quoEventOf('call.voicemail.completed', {}, now, {
      id: 'EVquoe2evm',
      resource: voicemailResource({ callId: 'ACquoe2ecall' }),
    });
    expect(await post(task)).toBe(202);
    expect(await post(voicemail)).toBe(202);
    await until(() =>
      [
        '[tasks] task.created EVquoe2etask → processed',
        '[calls] call.voicemail.completed EVquoe2evm → processed',
      ].every((line) => received.some((l) => l.startsWith(line))),
    );
    const { activities } = replica.processing;
    expect(await activities.getActivity('TKquoe2e')).toMatchObject({ kind: 'task', status: 'open' });
    expect(await activities.getActivity('ACquoe2ecall')).toMatchObject({
      kind: 'voicemail',
      voicemail: { transcript: expect.stringMatching(/call me back/) },
    });
  });
});
