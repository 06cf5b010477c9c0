import { performance } from 'node:perf_hooks';
import {
  SimulatedWorkspace,
  startOpenPhoneSimulator,
  type OpenPhoneSimulator,
} from '../../local/openphone-simulator';
import { activityQuery, callSimulator } from '../support/openphone-simulator';

type Page = { data: Record<string, unknown>[]; totalItems: number; nextPageToken: string | null };
type ErrorBody = {
  message: string;
  code: string;
  status: number;
  docs: string;
  title: string;
  trace: string;
  errors?: { path: string; message: string; value: unknown; schema: { type: string } }[];
};

const generous = { limit: 10_000 };

describe('simulated OpenPhone API', () => {
  let sim: OpenPhoneSimulator;
  beforeAll(async () => {
    sim = await startOpenPhoneSimulator({
      seed: 7,
      rateLimit: generous,
      workspace: {
        phoneNumbers: 2,
        conversationsPerNumber: 3,
        messagesPerConversation: 40,
        callsPerConversation: 6,
      },
    });
  });
  afterAll(() => sim.stop());

  const firstConversation = () => sim.workspace.conversations().find((c) => c.index >= 0)!;

  describe('authentication', () => {
    it('answers 401 with the error body when the key is missing', async () => {
      const answer = await callSimulator<ErrorBody>(sim, 'GET', '/v1/phone-numbers', undefined, null);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({
        status: 401,
        code: '0400401',
        title: 'Unauthorized',
        docs: expect.any(String),
      });
      expect(answer.body.trace).toMatch(/^[0-9a-f]+$/);
    });

    it('answers 401 to a Bearer-prefixed key: OpenPhone wants the bare key', async () => {
      const answer = await callSimulator(sim, 'GET', '/v1/phone-numbers', undefined, `Bearer ${sim.apiKey}`);
      expect(answer.status).toBe(401);
    });

    it('answers 200 to the bare key', async () => {
      const answer = await callSimulator<{ data: { id: string; number: string }[] }>(
        sim,
        'GET',
        '/v1/phone-numbers',
      );
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(2);
      expect(answer.body.data[0]!.id).toMatch(/^PN/);
      expect(answer.body.data[0]!.number).toMatch(/^\+1\d{10}$/);
    });
  });

  describe('validation', () => {
    it('lists every problem of a messages query in OpenPhone’s 400 body', async () => {
      const answer = await callSimulator<ErrorBody>(
        sim,
        'GET',
        '/v1/messages?phoneNumberId=XX1&maxResults=0',
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        status: 400,
        title: 'Bad Request',
        code: '0200400',
        message: expect.any(String),
      });
      const paths = answer.body.errors!.map((e) => e.path).sort();
      expect(paths).toEqual(['/maxResults', '/participants', '/phoneNumberId']);
      const maxResults = answer.body.errors!.find((e) => e.path === '/maxResults')!;
      expect(maxResults).toEqual({
        path: '/maxResults',
        message: expect.any(String),
        value: '0',
        schema: { type: 'Number' },
      });
    });

    it('refuses a calls query with more than one participant or maxResults above 100', async () => {
      const { id, number } = sim.workspace.phoneNumbers[0]!;
      const twoParticipants = await callSimulator<ErrorBody>(
        sim,
        'GET',
        `/v1/calls?phoneNumberId=${id}&participants=%2B14155550001&participants=%2B14155550002&maxResults=10`,
      );
      expect(twoParticipants.status).toBe(400);
      expect(twoParticipants.body.errors![0]!.path).toBe('/participants');
      const tooMany = await callSimulator(
        sim,
        'GET',
        `/v1/calls?${activityQuery(id, number, { maxResults: '101' })}`,
      );
      expect(tooMany.status).toBe(400);
    });

    it.each([
      ['blank content', { content: '   ', from: 'PN1', to: ['+14155550100'] }, '/content'],
      [
        'content over 1600 characters',
        { content: 'x'.repeat(1601), from: 'PN1', to: ['+14155550100'] },
        '/content',
      ],
      ['a recipient not in E.164', { content: 'hi', from: 'PN1', to: ['415-555-0100'] }, '/to/0'],
      ['two recipients', { content: 'hi', from: 'PN1', to: ['+14155550100', '+14155550101'] }, '/to'],
      [
        'a sender that is neither PN… nor E.164',
        { content: 'hi', from: 'me', to: ['+14155550100'] },
        '/from',
      ],
    ])('refuses a send with %s', async (_name, body, path) => {
      const answer = await callSimulator<ErrorBody>(sim, 'POST', '/v1/messages', body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors!.map((e) => e.path)).toContain(path);
    });

    it('refuses a page token from another query', async () => {
      const [a, b] = sim.workspace.conversations();
      const first = await callSimulator<Page>(
        sim,
        'GET',
        `/v1/messages?${activityQuery(a!.phoneNumberId, a!.participant, { maxResults: '5' })}`,
      );
      const misuse = await callSimulator<ErrorBody>(
        sim,
        'GET',
        `/v1/messages?${activityQuery(b!.phoneNumberId, b!.participant, { pageToken: first.body.nextPageToken! })}`,
      );
      expect(misuse.status).toBe(400);
    });
  });

  describe('pagination', () => {
    async function walk(pathWithoutToken: string): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const answer: { status: number; body: Page } = await callSimulator<Page>(
          sim,
          'GET',
          `${pathWithoutToken}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
        );
        expect(answer.status).toBe(200);
        ids.push(...answer.body.data.map((item) => item.id as string));
        token = answer.body.nextPageToken;
        pages++;
      } while (token !== null);
      return { ids, pages };
    }

    it('walks every message of a conversation exactly once, newest first', async () => {
      const conversation = firstConversation();
      const { ids, pages } = await walk(
        `/v1/messages?${activityQuery(conversation.phoneNumberId, conversation.participant, { maxResults: '7' })}`,
      );
      expect(pages).toBe(6);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
      const expected = sim.workspace
        .activitiesOf(conversation)
        .filter((item) => item.kind === 'message')
        .map((item) => item.id);
      expect(ids).toEqual(expected);
    });

    it('keeps a walk exact when new messages arrive between pages', async () => {
      const conversation = sim.workspace
        .conversations()
        .find((c) => c.index >= 0 && c.id !== firstConversation().id)!;
      const query = `/v1/messages?${activityQuery(conversation.phoneNumberId, conversation.participant, { maxResults: '10' })}`;
      const first = await callSimulator<Page>(sim, 'GET', query);
      sim.workspace.receiveMessage({
        phoneNumberId: conversation.phoneNumberId,
        from: conversation.participant,
      });
      const seen = first.body.data.map((m) => m.id as string);
      let token = first.body.nextPageToken;
      while (token) {
        const page: { body: Page } = await callSimulator<Page>(
          sim,
          'GET',
          `${query}&pageToken=${encodeURIComponent(token)}`,
        );
        seen.push(...page.body.data.map((m) => m.id as string));
        token = page.body.nextPageToken;
      }
      expect(seen).toHaveLength(40);
      expect(new Set(seen).size).toBe(40);
    });

    it('walks every conversation exactly once', async () => {
      const { ids } = await walk('/v1/conversations?maxResults=2');
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(
        sim.workspace
          .conversations()
          .map((c) => c.id)
          .sort(),
      );
    });

    it('returns only what was created after a watermark, for incremental sync', async () => {
      const conversation = firstConversation();
      const watermark = new Date(sim.workspace.now() - 1).toISOString();
      const message = sim.workspace.receiveMessage({
        phoneNumberId: conversation.phoneNumberId,
        from: conversation.participant,
      });
      const call = sim.workspace.receiveCall({
        phoneNumberId: conversation.phoneNumberId,
        from: conversation.participant,
      });
      const query = activityQuery(conversation.phoneNumberId, conversation.participant, {
        createdAfter: watermark,
      });
      const messages = await callSimulator<Page>(sim, 'GET', `/v1/messages?${query}`);
      const calls = await callSimulator<Page>(sim, 'GET', `/v1/calls?${query}`);
      expect(messages.body.data.map((m) => m.id)).toEqual([message.id]);
      expect(calls.body.data.map((c) => c.id)).toEqual([call.id]);
      const updated = await callSimulator<Page>(sim, 'GET', `/v1/conversations?updatedAfter=${watermark}`);
      expect(updated.body.data.map((c) => c.id)).toContain(conversation.id);
    });

    it('filters conversations by phone number, as an id or in E.164', async () => {
      const { id, number } = sim.workspace.phoneNumbers[1]!;
      const byId = await callSimulator<Page>(
        sim,
        'GET',
        `/v1/conversations?phoneNumbers[]=${id}&maxResults=100`,
      );
      const byNumber = await callSimulator<Page>(
        sim,
        'GET',
        `/v1/conversations?phoneNumbers=${encodeURIComponent(number)}&maxResults=100`,
      );
      expect(byId.body.data.length).toBeGreaterThanOrEqual(3);
      expect(byId.body.data.every((c) => c.phoneNumberId === id)).toBe(true);
      expect(byNumber.body.data).toEqual(byId.body.data);
    });
  });

  describe('single objects', () => {
    it('finds a listed message and a listed call by id, and their intelligence', async () => {
      const conversation = firstConversation();
      const items = sim.workspace.activitiesOf(conversation);
      const message = items.find((item) => item.kind === 'message')!;
      const call = items.find((item) => item.kind === 'call' && item.status === 'completed')!;
      expect((await callSimulator(sim, 'GET', `/v1/messages/${message.id}`)).body).toMatchObject({
        data: { id: message.id, text: (message as { text: string }).text },
      });
      expect((await callSimulator(sim, 'GET', `/v1/calls/${call.id}`)).body).toMatchObject({
        data: { id: call.id },
      });
      const recordings = await callSimulator<{ data: { url: string }[] }>(
        sim,
        'GET',
        `/v1/call-recordings/${call.id}`,
      );
      expect(recordings.body.data).toHaveLength(1);
      const media = await fetch(recordings.body.data[0]!.url);
      await media.arrayBuffer();
      expect(media.status).toBe(200);
      expect((await callSimulator(sim, 'GET', `/v1/call-summaries/${call.id}`)).body).toMatchObject({
        data: { callId: call.id, status: 'completed' },
      });
      expect((await callSimulator(sim, 'GET', `/v1/call-transcripts/${call.id}`)).body).toMatchObject({
        data: { callId: call.id, dialogue: expect.any(Array) },
      });
    });

    it('answers 404 for a message that does not exist, and for a call id asked as a message', async () => {
      const call = sim.workspace.activitiesOf(firstConversation()).find((item) => item.kind === 'call')!;
      const unknown = await callSimulator<ErrorBody>(sim, 'GET', '/v1/messages/ACdoesnotexist');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: '0200404', title: 'Not Found' });
      expect((await callSimulator(sim, 'GET', `/v1/messages/${call.id}`)).status).toBe(404);
    });

    it('creates, reads, updates, lists and deletes a contact', async () => {
      const created = await callSimulator<{ data: { id: string } }>(sim, 'POST', '/v1/contacts', {
        defaultFields: {
          firstName: 'Mae',
          lastName: 'Jemison',
          phoneNumbers: [{ name: 'mobile', value: '+14155550199' }],
        },
      });
      expect(created.status).toBe(201);
      const id = created.body.data.id;
      const updated = await callSimulator(sim, 'PATCH', `/v1/contacts/${id}`, {
        defaultFields: { company: 'NASA' },
      });
      expect(updated.body).toMatchObject({ data: { defaultFields: { firstName: 'Mae', company: 'NASA' } } });
      expect((await callSimulator(sim, 'GET', `/v1/contacts/${id}`)).status).toBe(200);
      const listed = await callSimulator<Page>(sim, 'GET', '/v1/contacts?maxResults=50');
      expect(listed.body.data.map((c) => c.id)).toContain(id);
      expect((await callSimulator(sim, 'DELETE', `/v1/contacts/${id}`)).status).toBe(204);
      expect((await callSimulator(sim, 'GET', `/v1/contacts/${id}`)).status).toBe(404);
    });

    it('creates a webhook with its own signing key, lists, gets and deletes it', async () => {
      const created = await callSimulator<{ data: { id: string; key: string } }>(
        sim,
        'POST',
        '/v1/webhooks/calls',
        {
          url: 'https://example.com/hooks',
          events: ['call.completed'],
        },
      );
      expect(created.status).toBe(201);
      expect(created.body.data.id).toMatch(/^WH/);
      expect(Buffer.from(created.body.data.key, 'base64').length).toBe(32);
      const listed = await callSimulator<{ data: { id: string }[] }>(sim, 'GET', '/v1/webhooks');
      expect(listed.body.data.map((w) => w.id)).toContain(created.body.data.id);
      expect((await callSimulator(sim, 'GET', `/v1/webhooks/${created.body.data.id}`)).status).toBe(200);
      expect((await callSimulator(sim, 'DELETE', `/v1/webhooks/${created.body.data.id}`)).status).toBe(204);
      expect((await callSimulator(sim, 'GET', `/v1/webhooks/${created.body.data.id}`)).status).toBe(404);
    });

    it('counts requests by route', () => {
      const stats = sim.requestLog.stats();
      expect(stats.requestsByRoute['GET /v1/messages']).toBeGreaterThan(5);
      expect(stats.unauthorized).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('seeded workspace', () => {
  it('is the same for the same seed and different for another', async () => {
    const a = new SimulatedWorkspace({ seed: 3 });
    const b = new SimulatedWorkspace({ seed: 3 });
    const c = new SimulatedWorkspace({ seed: 4 });
    const ids = (w: SimulatedWorkspace) =>
      w.conversations().flatMap((conv) => w.activitiesOf(conv).map((i) => i.id));
    expect(ids(a)).toEqual(ids(b));
    expect(a.activitiesOf(a.conversations()[0]!)).toEqual(b.activitiesOf(b.conversations()[0]!));
    expect(ids(c)).not.toEqual(ids(a));
  });

  it('seeds 60,000 messages and calls in well under a second, generating them only when read', () => {
    const started = performance.now();
    const workspace = new SimulatedWorkspace({
      seed: 1,
      size: {
        phoneNumbers: 10,
        conversationsPerNumber: 100,
        messagesPerConversation: 48,
        callsPerConversation: 12,
      },
    });
    const counts = workspace.counts();
    expect(counts.messages + counts.calls).toBe(60_000);
    expect(performance.now() - started).toBeLessThan(1000);
    const conversation = workspace.conversations()[500]!;
    const items = workspace.activitiesOf(conversation);
    expect(items).toHaveLength(60);
    expect(workspace.activityById(items[17]!.id)).toEqual(items[17]);
    const times = items.map((i) => i.createdAtMs);
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });
});
