import { adminPaths, adminRoutes } from '../../local/admin-api';
import { behindAdminDoor } from '../../local/admin-door';
import { startLocalHttpApi } from '../../local/http-api';
import { idleFamilyQueues } from '../support/cli';
import { rawRequest } from '../support/raw-request';

const token = 'door-test-token';
const queueMessage = JSON.stringify({
  eventId: 'EVdoor',
  type: 'message.received',
  family: 'messages',
  receivedAt: '2026-01-01T00:00:00.000Z',
});

/** A raw request, its JSON answer parsed. */
async function send(
  url: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const answer = await rawRequest(url, options);
  return { status: answer.status, body: JSON.parse(answer.body || '{}') };
}

describe("the replica's admin door", () => {
  const { queues, admin } = idleFamilyQueues();
  let api: Awaited<ReturnType<typeof startLocalHttpApi>>;
  let port = 0;
  const authorized = { authorization: `Bearer ${token}` };

  beforeAll(async () => {
    api = await startLocalHttpApi({
      port: 0,
      routes: behindAdminDoor(adminRoutes(admin), { token, port: () => port }),
    });
    port = Number(new URL(api.url).port);
  });
  afterAll(() => api.stop());

  it('answers 401 without the bearer token, or with a wrong one, and enqueues nothing', async () => {
    const none = await send(`${api.url}${adminPaths.enqueue}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: queueMessage,
    });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('Bearer') });
    const wrong = await send(`${api.url}${adminPaths.queues}`, {
      headers: { authorization: 'Bearer guessed' },
    });
    expect(wrong.status).toBe(401);
    expect(queues.messages.depth).toBe(0);
  });

  it('answers 403 to a Host other than a loopback name on its port (DNS rebinding), even with the token', async () => {
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port + 1}`,
      'localhost',
    ]) {
      const answer = await send(`${api.url}${adminPaths.queues}`, { host, headers: authorized });
      expect({ host, status: answer.status, error: answer.body.error }).toEqual({
        host,
        status: 403,
        error: 'host_not_allowed',
      });
    }
  });

  it('answers 415 to a body that is not JSON (a form a page could post), and enqueues nothing', async () => {
    const answer = await send(`${api.url}${adminPaths.enqueue}`, {
      method: 'POST',
      headers: { ...authorized, 'content-type': 'text/plain' },
      body: queueMessage,
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringContaining('application/json'),
    });
    expect(queues.messages.depth).toBe(0);
  });

  it('serves a call with the token, a loopback Host and a JSON body', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const depths = await send(`${api.url}${adminPaths.queues}`, { host, headers: authorized });
      expect(depths.status).toBe(200);
    }
    const enqueued = await send(`${api.url}${adminPaths.enqueue}`, {
      method: 'POST',
      headers: { ...authorized, 'content-type': 'application/json; charset=utf-8' },
      body: queueMessage,
    });
    expect(enqueued).toEqual({ status: 202, body: { status: 'enqueued', eventId: 'EVdoor' } });
    expect(queues.messages.depth).toBe(1);
  });
});
