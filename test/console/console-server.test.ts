import { request } from 'node:http';
import type { Target } from '../../cli/target';
import { CrmApiClient, bearerToken } from '../../console/crm-api-client';
import { startConsoleServer, type RunningConsole } from '../../console/server';
import { html, phone } from '../../console/html';
import { wilsonInterval } from '../../console/variant-chart';

/** A raw request, so the Host header can be anything. */
function send(url: string, options: { method?: string; host?: string; body?: string; origin?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? 'GET',
        headers: {
          host: options.host ?? target.host,
          ...(options.origin ? { origin: options.origin } : {}),
          ...(options.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the console server', () => {
  let running: RunningConsole;
  const redriven: string[] = [];
  // Only what the refused requests could reach: nothing may be called.
  const target = {
    name: 'a test target',
    events: { getEvent: async (id: string) => void redriven.push(id) },
  } as unknown as Target;

  beforeAll(async () => {
    running = await startConsoleServer({
      target,
      api: new CrmApiClient('http://127.0.0.1:9/v1', bearerToken('unused')),
    });
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
    const noToken = await send(`${running.url}/health/redrive`, { method: 'POST', body: 'eventId=EV1' });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('reload the page');
    const wrongToken = await send(`${running.url}/health/redrive`, {
      method: 'POST',
      body: 'eventId=EV1&csrf=guessed',
    });
    expect(wrongToken.status).toBe(403);
    const otherOrigin = await send(`${running.url}/health/redrive`, {
      method: 'POST',
      body: 'eventId=EV1&csrf=guessed',
      origin: 'https://evil.example',
    });
    expect(otherOrigin.status).toBe(403);
    expect(redriven).toEqual([]);
  });

  it('serves its script and stylesheet, and 404 for anything else under /static', async () => {
    expect((await send(`${running.url}/static/console.js`, {})).status).toBe(200);
    expect((await send(`${running.url}/static/console.css`, {})).status).toBe(200);
    expect((await send(`${running.url}/static/../server.ts`, {})).status).toBe(404);
    for (const inherited of ['constructor', 'toString', '__proto__'])
      expect((await send(`${running.url}/static/${inherited}`, {})).status).toBe(404);
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
