import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Target } from '../cli/target';
import type { CrmApiClient } from './crm-api-client';
import { html, page, type PageFrame } from './html';
import { ConsoleLogin, sameSecret } from './login';
import type { ConsoleRoutes } from './routing';
import { campaignRoutes } from './pages/campaigns';
import { contactRoutes } from './pages/contacts';
import { followUpRoutes } from './pages/follow-up';
import { healthRoutes } from './pages/health';
import { importRoutes } from './pages/imports';
import { sendRoutes } from './pages/send';

export interface ConsoleServerOptions {
  target: Target;
  api: CrmApiClient;
  /** @default 0 (any free port) */
  port?: number;
  /** One line per request: method, path and status; never a query string or a body. */
  log?: (line: string) => void;
}

export interface RunningConsole {
  url: string;
  /** Opened once, it logs a browser in (console/login.ts); print it, never log it. */
  loginUrl: string;
  stop(): Promise<void>;
}

const staticDir = join(__dirname, 'static');
const staticTypes: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

/** Read on first request, then served from memory: they ship with the code and never change while it runs. */
const staticFiles = new Map<string, Promise<Buffer>>();

const maxFormBytes = 5 * 1024 * 1024;

function compile(routes: ConsoleRoutes) {
  return Object.entries(routes).map(([key, handler]) => {
    const [method, path] = key.split(' ') as [string, string];
    const names: string[] = [];
    const regex = new RegExp(
      `^${path.replace(/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    return { method, regex, names, handler };
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxFormBytes) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The operator console: server-rendered pages over the CLI's target and the CRM API, on 127.0.0.1
 * only, for the browser that opened the login URL (every other request is 401). State-changing
 * requests are POSTs carrying the page's CSRF token, from this origin.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsole> {
  const csrf = randomBytes(24).toString('base64url');
  const routes = compile({
    'GET /': async () => ({ kind: 'redirect', location: '/health' }),
    ...healthRoutes,
    ...contactRoutes,
    ...followUpRoutes,
    ...campaignRoutes,
    ...importRoutes,
    ...sendRoutes,
  });
  const notices = new Map<string, NonNullable<PageFrame['notice']>>();
  let origin = '';
  let port = 0;
  const login = new ConsoleLogin(() => port);
  const log = options.log ?? (() => undefined);

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // Not `no-referrer`: Chromium then sends `Origin: null` with the console's own forms.
      'referrer-policy': 'same-origin',
      // Archived media comes from presigned S3 (or s3rver) links: any http(s) source for img/audio.
      'content-security-policy':
        "default-src 'self'; img-src 'self' data: http: https:; media-src 'self' http: https:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
    });
    response.end(body);
  };
  const errorPage = (title: string, message: string) =>
    page({ title, section: 'health', targetName: options.target.name, body: html`<p>${message}</p>` }).text;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const url = new URL(request.url ?? '/', origin);
    // A page from another site (or a rebound DNS name) never reaches the handlers.
    if (request.headers.host !== url.host) {
      send(response, 421, 'text/plain; charset=utf-8', 'wrong host');
      return 421;
    }
    if (request.method === 'GET' && url.pathname === '/login') {
      const cookie = login.exchange(url.searchParams.get('token'));
      if (!cookie) {
        send(
          response,
          401,
          'text/html; charset=utf-8',
          errorPage(
            'Not logged in',
            'This login link is wrong or was already used: restart `npm run console` for a new one.',
          ),
        );
        return 401;
      }
      response.writeHead(303, { location: '/', 'set-cookie': cookie, 'cache-control': 'no-store' });
      response.end();
      return 303;
    }
    // Only the stylesheet of the "log in" page is served without a session.
    const loginAsset = request.method === 'GET' && url.pathname === '/static/console.css';
    if (!loginAsset && !login.hasSession(request.headers.cookie)) {
      send(
        response,
        401,
        'text/html; charset=utf-8',
        errorPage('Log in', 'Open the login URL `npm run console` printed when it started (/login?token=…).'),
      );
      return 401;
    }
    if (request.method === 'GET' && url.pathname.startsWith('/static/')) {
      const name = url.pathname.slice('/static/'.length);
      const type = Object.hasOwn(staticTypes, name) ? staticTypes[name] : undefined; // not `constructor` etc.
      if (!type) {
        send(response, 404, 'text/plain; charset=utf-8', 'not found');
        return 404;
      }
      if (!staticFiles.has(name)) staticFiles.set(name, readFile(join(staticDir, name)));
      send(response, 200, type, await staticFiles.get(name)!);
      return 200;
    }
    const method = request.method ?? 'GET';
    const route = routes.find((r) => r.method === method && r.regex.test(url.pathname));
    if (!route) {
      const status = routes.some((r) => r.regex.test(url.pathname)) ? 405 : 404;
      send(
        response,
        status,
        'text/html; charset=utf-8',
        errorPage('Not found', `Nothing at ${url.pathname}.`),
      );
      return status;
    }
    const params = Object.fromEntries(
      route.names.map((name, i) => [name, decodeURIComponent(route.regex.exec(url.pathname)![i + 1]!)]),
    );
    let form: FormData | undefined;
    if (method === 'POST') {
      const fromOrigin = request.headers.origin;
      if (fromOrigin !== undefined && fromOrigin !== origin) {
        send(response, 403, 'text/plain; charset=utf-8', 'cross-origin form refused');
        return 403;
      }
      const body = await readBody(request);
      if (body === 'too-large') {
        send(response, 413, 'text/plain; charset=utf-8', 'a form of at most 5 MB');
        return 413;
      }
      try {
        form = await new Request(url, {
          method: 'POST',
          headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
          body,
        }).formData();
      } catch {
        send(response, 400, 'text/plain; charset=utf-8', 'not a form');
        return 400;
      }
      const token = form.get('csrf');
      if (typeof token !== 'string' || !sameSecret(token, csrf)) {
        send(
          response,
          403,
          'text/html; charset=utf-8',
          errorPage(
            'Refused',
            'The form is stale or did not come from this console: reload the page and try again.',
          ),
        );
        return 403;
      }
    }
    const noticeId = url.searchParams.get('notice');
    const notice = noticeId ? notices.get(noticeId) : undefined;
    if (noticeId) notices.delete(noticeId);
    const reply = await route.handler({
      target: options.target,
      api: options.api,
      csrf,
      url,
      params,
      ...(form ? { form } : {}),
      ...(notice ? { notice } : {}),
    });
    switch (reply.kind) {
      case 'redirect': {
        let location = reply.location;
        if (reply.notice) {
          const id = randomBytes(8).toString('hex');
          notices.set(id, reply.notice);
          location += `${location.includes('?') ? '&' : '?'}notice=${id}`;
        }
        response.writeHead(303, { location, 'cache-control': 'no-store' });
        response.end();
        return 303;
      }
      case 'json':
        send(response, 200, 'application/json', JSON.stringify(reply.body));
        return 200;
      case 'page': {
        const status = reply.status ?? 200;
        send(
          response,
          status,
          'text/html; charset=utf-8',
          page({
            title: reply.title,
            section: reply.section,
            targetName: options.target.name,
            body: reply.body,
            ...(notice ? { notice } : {}),
          }).text,
        );
        return status;
      }
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).then(
      (status) => log(`${request.method} ${(request.url ?? '/').split('?')[0]} ${status}`),
      (error: unknown) => {
        log(`${request.method} ${(request.url ?? '/').split('?')[0]} 500 ${(error as Error).name}`);
        if (!response.headersSent)
          send(
            response,
            500,
            'text/html; charset=utf-8',
            errorPage('Something went wrong', (error as Error).message),
          );
        else response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    loginUrl: `${origin}/login?token=${login.token}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
