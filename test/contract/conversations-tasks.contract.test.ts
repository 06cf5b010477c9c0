import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { OpenPhoneApiError, OpenPhoneInvalidRequestError } from '../../lambdas/openphone/errors';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { callSimulator } from '../support/openphone-simulator';

const unlimited = { acquire: async () => ({ grantedAt: Date.now() }) } as never;

/**
 * The client's conversation state writes (mark-as-done/open/read) and tasks against the simulated
 * OpenPhone. Neither is in the bundled OpenAPI v1 document: the simulator validates them with zod
 * schemas written from Quo's reference, and these tests hold the client and the simulator together.
 */
describe("OpenPhone's conversation state and tasks: the client against the simulator", () => {
  let sim: OpenPhoneSimulator;
  let client: OpenPhoneClient;

  beforeEach(async () => {
    sim = await startOpenPhoneSimulator({
      seed: 124,
      rateLimit: { limit: 10_000 },
      workspace: { phoneNumbers: 1, conversationsPerNumber: 3 },
    });
    client = new OpenPhoneClient({ apiKey: sim.apiKey, rateLimiter: unlimited, baseUrl: sim.url });
  });
  afterEach(() => sim.stop());

  describe('mark-as-done, mark-as-open, mark-as-read', () => {
    it('puts the conversation in each state and answers the conversation', async () => {
      const conversation = sim.workspace.conversations()[0]!;
      const done = await client.conversationState.mark(conversation.id, 'done');
      expect(done).toMatchObject({ id: conversation.id, participants: [conversation.participant] });
      expect(sim.workspace.conversationById(conversation.id)?.inboxStatus).toBe('done');
      await client.conversationState.mark(conversation.id, 'open');
      expect(sim.workspace.conversationById(conversation.id)?.inboxStatus).toBe('open');
      await client.conversationState.mark(conversation.id, 'read');
      expect(sim.workspace.conversationById(conversation.id)?.readAtMs).toEqual(expect.any(Number));
      expect(sim.requestLog.entries.map((e) => `${e.method} ${e.route} ${e.status}`)).toEqual([
        'POST POST /v1/conversations/{id}/mark-as-done 200',
        'POST POST /v1/conversations/{id}/mark-as-open 200',
        'POST POST /v1/conversations/{id}/mark-as-read 200',
      ]);
    });

    it('a reply after "done" puts the conversation back in the inbox, as Quo does', async () => {
      const conversation = sim.workspace.conversations()[0]!;
      await client.conversationState.mark(conversation.id, 'done');
      sim.workspace.receiveMessage({
        phoneNumberId: conversation.phoneNumberId,
        from: conversation.participant,
      });
      expect(sim.workspace.conversationById(conversation.id)?.inboxStatus).toBe('open');
    });

    it('answers 404 for an unknown conversation, 400 for an id that is not CN… or a body', async () => {
      await expect(client.conversationState.mark('CNnothere', 'done')).rejects.toMatchObject({
        name: 'OpenPhoneApiError',
        status: 404,
      });
      const badId = await callSimulator<{ errors: { path: string }[] }>(
        sim,
        'POST',
        '/v1/conversations/AB1/mark-as-done',
      );
      expect(badId.status).toBe(400);
      expect(badId.body.errors[0]!.path).toBe('/id');
      const conversation = sim.workspace.conversations()[0]!;
      const withBody = await callSimulator(sim, 'POST', `/v1/conversations/${conversation.id}/mark-as-done`, {
        status: 'done',
      });
      expect(withBody.status).toBe(400);
    });
  });

  describe('tasks', () => {
    it('creates tasks on a conversation and lists them page by page, newest first', async () => {
      const [conversation, other] = sim.workspace.conversations();
      const assignee = sim.workspace.users[0]!.id;
      const ids: string[] = [];
      for (const title of ['one', 'two', 'three']) {
        const written = await client.tasks.create({
          conversationId: conversation!.id,
          title,
          description: `about ${title}`,
          dueDate: '2026-12-08T15:00:00.000Z',
          assignedTo: assignee,
        });
        expect(written.taskId).toMatch(/^TK/);
        ids.push(written.taskId);
      }
      await client.tasks.create({ conversationId: other!.id, title: 'elsewhere', description: '' });

      const seen: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await client.tasks.listPage({
          conversationId: conversation!.id,
          maxResults: 2,
          ...(pageToken ? { pageToken } : {}),
        });
        seen.push(...page.data.map((t) => t.taskId));
        expect(page.data.every((t) => t.conversationId === conversation!.id && t.completed === false)).toBe(
          true,
        );
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken);
      expect(seen.sort()).toEqual([...ids].sort());
      const [first] = (await client.tasks.listPage({ conversationId: conversation!.id })).data;
      expect(first).toMatchObject({
        assignedTo: assignee,
        dueDate: '2026-12-08T15:00:00.000Z',
        revision: '1',
      });
    });

    it('refuses bad input before sending anything, naming the field', async () => {
      const conversation = sim.workspace.conversations()[0]!;
      await expect(
        client.tasks.create({ conversationId: conversation.id, title: '', description: '' }),
      ).rejects.toThrow(OpenPhoneInvalidRequestError);
      await expect(
        client.tasks.create({
          conversationId: conversation.id,
          title: 'x',
          description: '',
          dueDate: 'friday',
        }),
      ).rejects.toThrow(/dueDate/);
      await expect(client.tasks.listPage({ maxResults: 51 })).rejects.toThrow(/maxResults/);
      expect(sim.requestLog.entries).toEqual([]);
    });

    it('answers 400 naming the field, and 404 for an unknown conversation', async () => {
      const conversation = sim.workspace.conversations()[0]!;
      const cases: [unknown, string][] = [
        [{ title: 'x', description: '' }, '/conversationId'],
        [
          {
            title: 'x',
            description: '',
            conversationId: conversation.id,
            phoneNumberId: conversation.phoneNumberId,
          },
          '/conversationId',
        ],
        [{ conversationId: conversation.id, description: '' }, '/title'],
        [{ conversationId: conversation.id, title: 'x' }, '/description'],
        [{ title: 'x', description: '', conversationId: conversation.id, dueDate: 'soon' }, '/dueDate'],
        [
          { title: 'x', description: '', conversationId: conversation.id, assignedTo: 'USnobody' },
          '/assignedTo',
        ],
      ];
      for (const [body, path] of cases) {
        const answer = await callSimulator<{ errors: { path: string }[] }>(sim, 'POST', '/v1/tasks', body);
        expect([path, answer.status, answer.body.errors[0]!.path]).toEqual([path, 400, path]);
      }
      await expect(
        client.tasks.create({ conversationId: 'CNnothere', title: 'x', description: '' }),
      ).rejects.toBeInstanceOf(OpenPhoneApiError);
      expect(sim.workspace.tasks.list()).toEqual([]);
    });

    it('does not repeat a create after a 5xx (the task may exist), but retries the list', async () => {
      const conversation = sim.workspace.conversations()[0]!;
      sim.faults.failRoute('POST /v1/tasks', 1, 503);
      await expect(
        client.tasks.create({ conversationId: conversation.id, title: 'x', description: '' }),
      ).rejects.toMatchObject({
        name: 'OpenPhoneOutcomeUnknownError',
      });
      sim.faults.failRoute('GET /v1/tasks', 1, 503);
      expect((await client.tasks.listPage({ conversationId: conversation.id })).data).toEqual([]);
    });
  });
});
