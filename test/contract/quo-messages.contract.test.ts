import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { OpenPhoneApiError, OpenPhoneInvalidRequestError } from '../../lambdas/openphone/errors';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { callSimulator } from '../support/openphone-simulator';

const unlimited = { acquire: async () => ({ grantedAt: Date.now() }) } as never;

/** Every message the simulated workspace holds, walked conversation by conversation. */
function seededMessages(sim: OpenPhoneSimulator) {
  return sim.workspace
    .conversations()
    .flatMap((c) => sim.workspace.activitiesOf(c))
    .filter((a) => a.kind === 'message');
}

/**
 * The client's workspace-wide message listing (`GET /messages`, dated API version) against the
 * simulated Quo: cursor pages, newest first, every message once with its conversation; bad input
 * refused naming the field.
 */
describe("Quo's workspace-wide message listing: the client against the simulated Quo", () => {
  let sim: OpenPhoneSimulator;
  let client: OpenPhoneClient;

  beforeEach(async () => {
    sim = await startOpenPhoneSimulator({
      seed: 27,
      rateLimit: { limit: 10_000 },
      workspace: { phoneNumbers: 2, conversationsPerNumber: 6, messagesPerConversation: 3 },
    });
    client = new OpenPhoneClient({ apiKey: sim.apiKey, rateLimiter: unlimited, baseUrl: sim.url });
  });
  afterEach(() => sim.stop());

  it('walks every message of the workspace once, newest first, by nextCursor until null', async () => {
    const seen: { id: string; createdAt: string; conversationId?: string | null }[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.quoMessages.listPage({ limit: 7, ...(after ? { after } : {}) });
      seen.push(...page.data);
      after = page.nextCursor ?? undefined;
      pages += 1;
    } while (after);

    const expected = seededMessages(sim);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(seen.map((m) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());
    const times = seen.map((m) => m.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const conversationOf = new Map(expected.map((m) => [m.id, m.conversationId]));
    expect(seen.every((m) => m.conversationId === conversationOf.get(m.id))).toBe(true);
    expect(
      sim.requestLog.entries.every((e) => e.method === 'GET' && e.path === '/messages' && e.status === 200),
    ).toBe(true);
  });

  it('filters by phone number, direction and creation time', async () => {
    const [number] = sim.workspace.conversations();
    const all = seededMessages(sim).filter((m) => m.phoneNumberId === number!.phoneNumberId);
    const middle = [...all].sort((a, b) => a.createdAtMs - b.createdAtMs)[Math.floor(all.length / 2)]!;
    const page = await client.quoMessages.listPage({
      phoneNumberId: number!.phoneNumberId,
      direction: 'incoming',
      createdAfter: new Date(middle.createdAtMs).toISOString(),
      limit: 50,
    });
    const expected = all.filter((m) => m.direction === 'incoming' && m.createdAtMs > middle.createdAtMs);
    expect(page.data.map((m) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());
    expect(page.nextCursor).toBeNull();
  });

  it('refuses bad filters before sending anything, naming the field', async () => {
    await expect(client.quoMessages.listPage({ limit: 51 })).rejects.toThrow(OpenPhoneInvalidRequestError);
    await expect(client.quoMessages.listPage({ phoneNumberId: 'abc' })).rejects.toThrow(/phoneNumberId/);
    expect(sim.requestLog.entries).toEqual([]);
  });

  it('answers 400 naming the field: no version header, a limit over 50, a foreign cursor', async () => {
    const noVersion = await callSimulator<{ errors: { path: string }[] }>(sim, 'GET', '/messages');
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.errors[0]!.path).toBe('/headers/quo-api-version');

    const dated = async (pathAndQuery: string) => {
      const response = await fetch(`${sim.url}${pathAndQuery}`, {
        headers: { authorization: sim.apiKey, 'quo-api-version': '2026-03-30' },
      });
      return { status: response.status, body: (await response.json()) as { errors?: { path: string }[] } };
    };
    const tooMany = await dated('/messages?limit=51');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors![0]!.path).toBe('/limit');

    const first = await client.quoMessages.listPage({ limit: 2, direction: 'incoming' });
    const foreign = await dated(`/messages?limit=2&after=${first.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors![0]!.path).toBe('/after');
  });

  it('retries a 5xx like the v1 routes (one transport), and reports it when retries are spent', async () => {
    sim.faults.failRoute('GET /messages', 1, 503);
    const page = await client.quoMessages.listPage({ limit: 5 });
    expect(page.data).toHaveLength(5);
    const noRetry = new OpenPhoneClient({
      apiKey: sim.apiKey,
      rateLimiter: unlimited,
      baseUrl: sim.url,
      retry: { maxAttempts: 1 },
    });
    sim.faults.failRoute('GET /messages', 1, 503);
    await expect(noRetry.quoMessages.listPage()).rejects.toBeInstanceOf(OpenPhoneApiError);
  });
});
