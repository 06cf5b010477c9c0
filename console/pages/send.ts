import { randomUUID } from 'node:crypto';
import { toE164 } from '../../lambdas/shared/phone-numbers';
import type { ApiMessage } from '../../lambdas/crm-api';
import { csrfField, html, phone, type Html } from '../html';
import type { ConsoleReply, ConsoleRequest, ConsoleRoutes } from '../routing';

const sendRoute = '/v1/messages';
const suppressionRoute = '/v1/suppressions/{phone}';

function messagePanel(message: ApiMessage): Html {
  return html`<dl class="message" data-message="${message.id}">
    <dt>Message</dt>
    <dd><code>${message.id}</code></dd>
    <dt>Status</dt>
    <dd class="status">${message.status}</dd>
    <dt>To</dt>
    <dd>${phone(message.to)}</dd>
    <dt>From</dt>
    <dd>${message.from?.startsWith('+') ? phone(message.from) : message.from}</dd>
    <dt>Created</dt>
    <dd>${message.createdAt}</dd>
    ${
      message.error
        ? html`<dt>Error</dt>
            <dd>${message.error.code}: ${message.error.message}</dd>`
        : ''
    }
  </dl>`;
}

async function sendPage(request: ConsoleRequest): Promise<ConsoleReply> {
  const { api, csrf, url } = request;
  const to = url.searchParams.get('to')?.trim() ?? '';
  const from = url.searchParams.get('from')?.trim() ?? '';
  const messageId = url.searchParams.get('message');
  const [canSend, canCheck] = await Promise.all([
    api.hasRoute(sendRoute, 'POST'),
    api.hasRoute(suppressionRoute, 'GET'),
  ]);
  let check: Html = html``;
  let number: string | undefined;
  if (to) {
    const parsed = toE164(to);
    if (!parsed.ok)
      check = html`<p class="bad" role="alert">"${to}" is not a phone number (${parsed.reason}).</p>`;
    else {
      number = parsed.e164;
      if (canCheck) {
        const answer = await api.suppression(number);
        check = !answer.ok
          ? html`<p class="bad">${answer.error.message}</p>`
          : answer.body.suppressed
            ? html`<p class="bad suppression-check" role="alert">
                ${phone(number)} is suppressed (${answer.body.reason ?? 'unknown'}): the API will refuse to
                send.
              </p>`
            : html`<p class="ok suppression-check" role="status">${phone(number)} is not suppressed.</p>`;
      } else
        check = html`<p class="hint">
          The CRM API does not serve suppressions yet: no check before sending.
        </p>`;
    }
  }
  const sent = messageId ? await api.message(messageId) : undefined;
  return {
    kind: 'page',
    title: 'Send a message',
    section: 'send',
    body: html` ${canSend ? '' : html`<p class="bad" role="alert">This CRM API has no <code>POST /v1/messages</code> yet: sending is not available.</p>`}
      ${sent ? (sent.ok ? messagePanel(sent.body) : html`<p class="bad">${sent.error.message}</p>`) : ''}
      <form method="get" action="/send" class="stack">
        <label for="check-to">To (E.164)</label
        ><input id="check-to" name="to" type="tel" value="${to}" required autocomplete="off" />
        <button type="submit">Check the number</button>
      </form>
      ${check}
      ${
        number
          ? html`<form method="post" action="/send" class="stack">
              ${csrfField(csrf)}
              <input type="hidden" name="to" value="${number}" />
              <input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
              <label for="from">From (optional: E.164 or a PN… id)</label
              ><input id="from" name="from" value="${from}" autocomplete="off" />
              <label for="text">Text</label
              ><textarea id="text" name="text" rows="4" maxlength="1600" required></textarea>
              <button type="submit" ${canSend ? '' : html` disabled`}>Send to ${phone(number)}</button>
            </form>`
          : ''
      }`,
  };
}

export const sendRoutes: ConsoleRoutes = {
  'GET /send': sendPage,
  'POST /send': async ({ api, form }) => {
    const to = String(form?.get('to') ?? '');
    const from = String(form?.get('from') ?? '').trim();
    const text = String(form?.get('text') ?? '');
    // The key came with the form: a second submit of the same form is the same message.
    const key = String(form?.get('idempotencyKey') ?? '') || randomUUID();
    const answer = await api.sendMessage({ to, text, ...(from ? { from } : {}) }, key);
    const back = `/send?to=${encodeURIComponent(to)}`;
    if (!answer.ok)
      return {
        kind: 'redirect',
        location: back,
        notice: {
          kind: 'error',
          lines: [
            `Not sent: ${answer.error.message}${answer.retryAfter ? ` (try again in ${answer.retryAfter} s)` : ''}`,
          ],
        },
      };
    return {
      kind: 'redirect',
      location: `${back}&message=${encodeURIComponent(answer.body.id)}`,
      notice: { kind: 'ok', lines: [`Accepted: message ${answer.body.id} is ${answer.body.status}.`] },
    };
  },
};
