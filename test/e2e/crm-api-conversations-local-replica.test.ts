import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import { legacyEvent, messageObject } from '../support/openphone-payloads';
import { legacySignatureHeader } from '../support/signers';

jest.setTimeout(60_000);

const readToken = 'conversations-e2e-read-token';
const conversationsToken = 'conversations-e2e-conversations-token';

/**
 * Done and tasks on the replica, written through to its OpenPhone (the simulator) as `npm start`
 * wires it, behind the scopes API Gateway would enforce: `crm/read` may not mark a conversation
 * done; `crm/conversations` may, and the conversation then no longer waits.
 */
describe('conversation done/open and tasks on the local replica', () => {
  let replica: LocalReplica;
  let simulator: OpenPhoneSimulator;

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      eventSweepEveryMs: 'off',
      log: () => undefined,
      crmApiScopedTokens: [
        { token: readToken, scopes: ['crm/read'] },
        { token: conversationsToken, scopes: ['crm/conversations'] },
      ],
    });
    simulator = await startOpenPhoneSimulator({
      seed: 63,
      workspace: { phoneNumbers: 1, conversationsPerNumber: 2 },
    });
    replica.connectCrmApiToOpenPhone({ apiKey: simulator.apiKey, baseUrl: simulator.url });
  }, 120_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
  });

  async function call(token: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${replica.crmApi.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  /** A simulated conversation, made to wait by a signed inbound-text webhook to the replica. */
  async function waitingConversation(index: number) {
    const conversation = simulator.workspace.conversations()[index]!;
    const line = simulator.workspace.phoneNumberById(conversation.phoneNumberId)!;
    const body = JSON.stringify(
      legacyEvent(
        'message.received',
        messageObject({
          id: `ACe2ewaiting${index}`,
          conversationId: conversation.id,
          phoneNumberId: line.id,
          from: conversation.participant,
          to: [line.number],
          text: 'Can someone call me back about the quote?',
          media: [],
          createdAt: new Date(Date.now() - 60_000).toISOString(),
        }),
        new Date().toISOString(),
      ),
    );
    const [legacyKey] = replica.signingKeys as [string];
    const delivered = await fetch(replica.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'openphone-signature': legacySignatureHeader(body, legacyKey),
      },
      body,
    });
    expect(delivered.status).toBe(202);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const read = await call(readToken, 'GET', `/conversations/${conversation.id}`);
      if (read.status === 200 && read.body.waiting === true) return conversation;
      if (Date.now() > deadline) throw new Error(`the conversation never waited: ${JSON.stringify(read)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('refuses done to a crm/read caller; a crm/conversations caller closes the wait', async () => {
    const conversation = await waitingConversation(0);

    const refused = await call(readToken, 'POST', `/conversations/${conversation.id}/done`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: 'insufficient_scope',
      message: expect.stringContaining('crm/conversations'),
    });
    expect((await call(readToken, 'GET', `/conversations/${conversation.id}`)).body.waiting).toBe(true);

    const done = await call(conversationsToken, 'POST', `/conversations/${conversation.id}/done`);
    expect(done.status).toBe(200);
    const after = await call(readToken, 'GET', `/conversations/${conversation.id}`);
    expect(after.body).toMatchObject({ waiting: false, overdue: false, inboxStatus: 'done' });
    expect(simulator.workspace.conversationById(conversation.id)?.inboxStatus).toBe('done');

    const reopened = await call(conversationsToken, 'POST', `/conversations/${conversation.id}/open`);
    expect(reopened.body.conversation).toMatchObject({ waiting: false, inboxStatus: 'open' });
  });

  it('creates a task with crm/conversations that a crm/read caller lists, but may not create', async () => {
    const conversation = simulator.workspace.conversations()[1]!;
    const unknown = await call(conversationsToken, 'POST', `/conversations/${conversation.id}/tasks`, {
      title: 'x',
    });
    expect(unknown.status).toBe(404);

    const waiting = await waitingConversation(1);
    expect(
      (await call(readToken, 'POST', `/conversations/${waiting.id}/tasks`, { title: 'Call back' })).status,
    ).toBe(403);
    const created = await call(conversationsToken, 'POST', `/conversations/${waiting.id}/tasks`, {
      title: 'Call back about the quote',
    });
    expect(created.status).toBe(201);
    const listed = await call(readToken, 'GET', `/conversations/${waiting.id}/tasks`);
    expect(listed.body.items.map((t: { id: string }) => t.id)).toContain(created.body.task.id);
  });
});
