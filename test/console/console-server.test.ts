import type { Target } from '../../cli/target';
import { CrmApiClient, bearerToken } from '../../console/crm-api-client';
import { startConsoleServer, type RunningConsole } from '../../console/server';
import { html, phone } from '../../console/html';
import { wilsonInterval } from '../../console/variant-chart';
import { rawRequest } from '../support/raw-request';

/** A raw request (so Host can be anything), with the session cookie when given. */
function send(
  url: string,
  options: { method?: string; host?: string; body?: string; origin?: string; cookie?: string },
) {
  return rawRequest(url, {
    ...(options.method ? { method: options.method } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.body ? { body: options.body } : {}),
    headers: {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
  });
}

/** Opens the login URL; answers the cookie to send back (`name=value`) and the raw Set-Cookie. */
async function logIn(running: RunningConsole) {
  const answer = await send(running.loginUrl, {});
  const setCookie = String(answer.headers['set-cookie'] ?? '');
  return { answer, setCookie, cookie: setCookie.split(';')[0]! };
}

describe('the console server', () => {
  let running: RunningConsole;
  const redriven: string[] = [];
  // Only what the refused requests could reach: nothing may be called.
  const target = {
    name: 'a test target',
    events: { getEvent: async (id: string) => void redriven.push(id) },
  } as unknown as Target;

  let cookie: string;

  beforeAll(async () => {
    running = await startConsoleServer({
      target,
      api: new CrmApiClient('http://127.0.0.1:9/v1', bearerToken('unused')),
    });
    ({ cookie } = await logIn(running));
  });
  afterAll(() => running.stop());

  it('listens on 127.0.0.1 only', () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a request for another host name (DNS rebinding)', async () => {
    const answer = await send(`${running.url}/static/console.js`, { host: 'evil.example:4000' });
    expect(answer.status).toBe(421);
  });

  it('refuses a POST without the page’s CSRF token, or from another origin, and does nothing', async () => {
    const noToken = await send(`${running.url}/health/redrive`, {
      method: 'POST',
      body: 'eventId=EV1',
      cookie,
    });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('reload the page');
    const wrongToken = await send(`${running.url}/health/redrive`, {
      method: 'POST',
      body: 'eventId=EV1&csrf=guessed',
      cookie,
    });
    expect(wrongToken.status).toBe(403);
    const otherOrigin = await send(`${running.url}/health/redrive`, {
      method: 'POST',
      body: 'eventId=EV1&csrf=guessed',
      origin: 'https://evil.example',
      cookie,
    });
    expect(otherOrigin.status).toBe(403);
    expect(redriven).toEqual([]);
  });

  it('serves its script and stylesheet, and 404 for anything else under /static', async () => {
    expect((await send(`${running.url}/static/console.js`, { cookie })).status).toBe(200);
    expect((await send(`${running.url}/static/console.css`, { cookie })).status).toBe(200);
    expect((await send(`${running.url}/static/../server.ts`, { cookie })).status).toBe(404);
    for (const inherited of ['constructor', 'toString', '__proto__'])
      expect((await send(`${running.url}/static/${inherited}`, { cookie })).status).toBe(404);
  });
});

describe("the console's login", () => {
  let running: RunningConsole;
  const target = { name: 'a test target' } as unknown as Target;

  beforeEach(async () => {
    running = await startConsoleServer({
      target,
      api: new CrmApiClient('http://127.0.0.1:9/v1', bearerToken('unused')),
    });
  });
  afterEach(() => running.stop());

  it('answers 401 to every page and script without the session cookie, before any handler runs', async () => {
    for (const path of [
      '/',
      '/health',
      '/contacts',
      '/campaigns',
      '/imports',
      '/send',
      '/static/console.js',
    ]) {
      const answer = await send(`${running.url}${path}`, {});
      expect({ path, status: answer.status }).toEqual({ path, status: 401 });
    }
    const refused = await send(`${running.url}/health`, {});
    expect(refused.body).toContain('Open the login URL');
    // Only what the "log in" page needs: its stylesheet.
    expect((await send(`${running.url}/static/console.css`, {})).status).toBe(200);
    const forged = await send(`${running.url}/health`, {
      cookie: `console_session_${new URL(running.url).port}=guessed`,
    });
    expect(forged.status).toBe(401);
  });

  it('exchanges the printed token for an HttpOnly, SameSite=Strict cookie, once, and redirects to /', async () => {
    expect(running.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=[\w-]{32}$/);
    const { answer, setCookie, cookie } = await logIn(running);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/');
    expect(setCookie).toMatch(/^console_session_\d+=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await send(`${running.url}/static/console.js`, { cookie })).status).toBe(200);

    // The token is spent: a second browser opening the same URL gets no session.
    const again = await send(running.loginUrl, {});
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('answers 401 to a wrong or missing token, and the right one still works after', async () => {
    for (const url of [`${running.url}/login?token=guessed`, `${running.url}/login`]) {
      const answer = await send(url, {});
      expect(answer.status).toBe(401);
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(answer.body).toContain('login link is wrong or was already used');
    }
    expect((await logIn(running)).answer.status).toBe(303);
  });
});

describe('console pages', () => {
  it('escape what they interpolate', () => {
    expect(html`<p>${'<script>alert(1)</script> & "x"'}</p>`.text).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</p>',
    );
  });

  it('mask a phone number to its last 4 digits, the whole number kept for the reveal toggle', () => {
    expect(phone('+15555550123').text).toBe('<span class="phone" data-phone="+15555550123">…0123</span>');
  });
});

describe('the variant chart’s confidence interval (Wilson, 95%)', () => {
  it('matches the textbook values and stays inside 0–1', () => {
    const interval = wilsonInterval(10, 100)!;
    expect(interval.rate).toBe(0.1);
    expect(interval.low).toBeCloseTo(0.0552, 3);
    expect(interval.high).toBeCloseTo(0.1744, 3);
    const none = wilsonInterval(0, 5)!;
    expect(none.low).toBe(0);
    expect(none.high).toBeGreaterThan(0.4);
    expect(wilsonInterval(5, 5)!.high).toBe(1);
  });

  it('has nothing to say before anything was sent', () => {
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });
});
