import { addSuppression, removeSuppression, showSuppression } from '../../cli/commands/suppressions';
import { listedSuppressionReasons, type SuppressionReason } from '../../lambdas/crm';
import { toE164 } from '../../lambdas/shared/phone-numbers';
import { plural } from '../../cli/output';
import { noticeOf, runCommand } from '../cli-commands';
import type { Activity, ApiAnswer, MediaLink, Suppression } from '../crm-api-client';
import { csrfField, html, phone, type Html, tableHead } from '../html';
import type { ConsoleReply, ConsoleRequest, ConsoleRoutes } from '../routing';

const suppressionRoute = '/v1/suppressions/{phone}';

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  return `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
}

const when = (at: string | undefined) =>
  at ? html`<time datetime="${at}">${at.replace('T', ' ').slice(0, 16)}</time>` : '';

/** A media item the archiver refused (or could not keep): its reason, and no request to its URL. */
const notArchivedNote = (label: string, media: MediaLink): Html =>
  html`<p class="not-archived">${label}: not archived (${media.notArchived ?? ''})</p>`;

function mediaThumbnail(media: MediaLink, index: number): Html {
  if (media.notArchived) return notArchivedNote(`Attachment ${index + 1}`, media);
  const src = media.archivedUrl ?? media.url;
  if (media.type?.startsWith('image/'))
    return html`<a href="${src}"
      ><img class="thumb" src="${src}" alt="Picture ${index + 1}" loading="lazy"
    /></a>`;
  return html`<a href="${src}">Attachment ${index + 1} (${media.type ?? 'file'})</a>`;
}

function player(media: MediaLink, label: string): Html {
  if (media.notArchived) return notArchivedNote(label, media);
  const src = media.archivedUrl ?? media.url;
  return html`<figure class="recording">
    <figcaption>
      ${label}${media.duration !== undefined ? ` (${duration(media.duration)})` : ''}${media.archivedUrl ? '' : ' — not archived yet'}
    </figcaption>
    <audio controls preload="metadata" src="${src}"></audio>
  </figure>`;
}

/** The call's length: as recorded, or from when it was answered to when it ended. */
function callSeconds(activity: Activity): number | undefined {
  if (activity.durationSeconds !== undefined) return activity.durationSeconds;
  if (!activity.answeredAt || !activity.completedAt) return undefined;
  const ms = Date.parse(activity.completedAt) - Date.parse(activity.answeredAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

function callCard(activity: Activity): Html {
  const seconds = callSeconds(activity);
  const title =
    activity.kind === 'voicemail'
      ? 'Voicemail'
      : `${activity.direction === 'outgoing' ? 'Outgoing' : 'Incoming'} call`;
  return html`<article class="call ${activity.direction ?? ''}" aria-label="${title}">
    <header>
      <strong>${title}</strong> ${when(activity.createdAt)} ·
      ${activity.status ?? ''}${seconds !== undefined ? html` · <span class="duration">${duration(seconds)}</span>` : ''}
    </header>
    ${(activity.recordings ?? []).map((r, i) => player(r, `Recording ${i + 1}`))}
    ${activity.voicemail ? player(activity.voicemail, 'Voicemail') : ''}
    ${activity.voicemail?.transcript ? html`<p class="voicemail-text">${activity.voicemail.transcript}</p>` : ''}
    ${
      activity.summary?.length
        ? html`<section class="summary">
            <h4>Summary</h4>
            <ul>
              ${activity.summary.map((s) => html`<li>${s}</li>`)}
            </ul>
          </section>`
        : ''
    }
    ${
      activity.nextSteps?.length
        ? html`<section class="next-steps">
            <h4>Next steps</h4>
            <ul>
              ${activity.nextSteps.map((s) => html`<li>${s}</li>`)}
            </ul>
          </section>`
        : ''
    }
    ${
      activity.transcript?.dialogue.length
        ? html`<details class="transcript">
            <summary>Transcript (${plural(activity.transcript.dialogue.length, 'line')})</summary>
            <dl>
              ${activity.transcript.dialogue.map(
                (line) =>
                  html`<dt>
                      ${line.userId ? 'Us' : 'Them'}${line.start !== undefined ? ` ${duration(line.start)}` : ''}
                    </dt>
                    <dd>${line.content ?? ''}</dd>`,
              )}
            </dl>
          </details>`
        : ''
    }
  </article>`;
}

function bubble(activity: Activity): Html {
  return html`<article
    class="bubble ${activity.direction ?? 'incoming'}"
    aria-label="${activity.direction === 'outgoing' ? 'Sent message' : 'Received message'}"
  >
    ${activity.text ? html`<p>${activity.text}</p>` : ''}
    ${activity.media?.length ? html`<div class="media">${activity.media.map(mediaThumbnail)}</div>` : ''}
    <footer>${when(activity.createdAt)} · ${activity.status ?? ''}</footer>
  </article>`;
}

/** The timeline oldest at the top, like a chat: the API answers newest first. */
function conversation(items: readonly Activity[]): Html {
  return html`<ol class="conversation">
    ${[...items].reverse().map((a) => html`<li>${a.kind === 'message' ? bubble(a) : callCard(a)}</li>`)}
  </ol>`;
}

const reasonChoices = (selected?: string) =>
  listedSuppressionReasons.map((r) => html`<option${r === selected ? html` selected` : ''}>${r}</option>`);

function suppressionForms(csrf: string, number: string, current?: string): Html {
  return html`<div class="suppression-forms">
    <form method="post" action="/contacts/suppress" class="stack">
      ${csrfField(csrf)}<input type="hidden" name="phone" value="${number}" />
      <label for="suppress-note">Why (for the audit trail)</label
      ><input id="suppress-note" name="note" required /> <button type="submit">Suppress this number</button>
    </form>
    <form method="post" action="/contacts/unsuppress" class="stack">
      ${csrfField(csrf)}<input type="hidden" name="phone" value="${number}" />
      <label for="lift-reason">Reason to lift</label
      ><select id="lift-reason" name="reason">
        ${reasonChoices(current)}
      </select>
      <label for="lift-note">Why</label><input id="lift-note" name="note" />
      <label class="check"
        ><input type="checkbox" name="confirmConsent" value="true" /> The person consented again (needed to
        lift an opt-out)</label
      >
      <button type="submit">Lift the suppression</button>
    </form>
  </div>`;
}

function suppressionPanel(suppression: Suppression): Html {
  return html`<p class="${suppression.suppressed ? 'bad' : 'ok'}">
      <strong
        >${suppression.suppressed ? `Suppressed (${suppression.reason ?? 'unknown reason'})` : 'Not suppressed'}</strong
      >${suppression.since ? html` since ${when(suppression.since)}` : ''}
    </p>
    ${
      suppression.audit.length
        ? html`<table>
            <caption>
              Audit trail
            </caption>
            ${tableHead('When', 'Action', 'Reason', 'Source', 'Note')}
            <tbody>
              ${suppression.audit.map(
                (a) =>
                  html`<tr>
                    <td>${when(a.at)}</td>
                    <td>${a.action}</td>
                    <td>${a.reason ?? ''}</td>
                    <td>${a.source}</td>
                    <td>${a.note ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>No audit entries.</p>`
    }`;
}

async function suppressionSection(request: ConsoleRequest, number: string): Promise<Html> {
  const { api, target, csrf } = request;
  let body: Html;
  let current: string | undefined;
  if (await api.hasRoute(suppressionRoute, 'GET')) {
    const answer = await api.suppression(number);
    body = answer.ok ? suppressionPanel(answer.body) : html`<p class="bad">${answer.error.message}</p>`;
    current = answer.ok ? answer.body.reason : undefined;
  } else {
    // Until the CRM API serves suppressions: what `suppressions show` prints.
    const shown = await runCommand((out) => showSuppression(target, out, number, {}));
    body = html`<pre class="cli">${shown.lines.join('\n')}</pre>`;
  }
  return html`<section aria-labelledby="suppression-heading">
    <h2 id="suppression-heading">Suppression</h2>
    ${body}${suppressionForms(csrf, number, current)}
  </section>`;
}

/** A name search: the contacts whose first name, last name or company words begin with the query's. */
async function contactsNamed(request: ConsoleRequest, query: string): Promise<Html> {
  const found = await request.target.contacts.findContactsByName(query, { limit: 20 });
  if (found.items.length === 0)
    return html`<p role="status">
      No contact is named "${query}"${found.complete ? '' : ' in the part of the CRM read'}.
    </p>`;
  const rows = found.items.map((c) => {
    const name = [c.firstName, c.lastName].filter(Boolean).join(' ') || c.company || c.contactId;
    const numbers = c.phoneNumbers.filter((p) => p.value.startsWith('+'));
    return html`<tr>
      <td>${name}</td>
      <td>${c.company ?? ''}</td>
      <td>
        ${numbers.map(
          (p) => html`<a href="/contacts?phone=${encodeURIComponent(p.value)}">${phone(p.value)}</a> `,
        )}
      </td>
    </tr>`;
  });
  return html`<section aria-labelledby="found-heading">
    <h2 id="found-heading">Contacts named "${query}"</h2>
    <table>
      ${tableHead('Name', 'Company', 'Numbers')}
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${found.complete ? '' : html`<p class="hint">Showing the first ${found.items.length}; refine the name.</p>`}
  </section>`;
}

async function showContacts(request: ConsoleRequest) {
  const query = request.url.searchParams.get('phone')?.trim() ?? '';
  const search = html`<form method="get" action="/contacts" class="search" role="search">
    <label for="phone">Phone number or name</label>
    <input
      id="phone"
      name="phone"
      type="search"
      autocomplete="off"
      value="${query}"
      placeholder="+15555550123 or Ada Lovelace"
      required
    />
    <button type="submit">Find</button>
  </form>`;
  const frame = (body: Html, status = 200) => ({
    kind: 'page' as const,
    title: 'Contacts',
    section: 'contacts' as const,
    status,
    body: html`${search}${body}`,
  });
  if (!query)
    return frame(
      html`<p class="hint">
        Find a contact by phone number (E.164, or a US number) or by name to see the conversation.
      </p>`,
    );
  const number = toE164(query);
  if (!number.ok && /\p{L}/u.test(query)) return frame(await contactsNamed(request, query));
  if (!number.ok)
    return frame(
      html`<p class="bad" role="alert">"${query}" is not a phone number (${number.reason}).</p>`,
      400,
    );
  const [contacts, timeline] = await Promise.all([
    request.api.findContacts(number.e164),
    request.api.timeline(number.e164, { limit: 100 }),
  ]);
  const people = contacts.ok ? contacts.body.items : [];
  // Transcripts are not part of a timeline page: read each call in full.
  const items = timeline.ok
    ? await Promise.all(
        timeline.body.items.map(async (a) => {
          if (a.kind === 'message') return a;
          const full = await request.api.activity(a.id);
          return full.ok ? full.body : a;
        }),
      )
    : [];
  const name = people
    .map((c) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.company)
    .filter(Boolean)
    .join(', ');
  return frame(
    html` <section aria-labelledby="contact-heading">
        <h2 id="contact-heading">${name || 'Unknown contact'} ${phone(number.e164)}</h2>
        ${people.map((c) => html`<p class="contact-card">${c.company ? html`${c.company} · ` : ''}${c.emails.map((e) => e.value).join(', ')} <code>${c.id}</code></p>`)}
      </section>
      ${await suppressionSection(request, number.e164)}
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Conversation</h2>
        ${
          !timeline.ok
            ? html`<p class="bad">${timeline.error.message}</p>`
            : items.length === 0
              ? html`<p>No activities with this number.</p>`
              : conversation(items)
        }
        ${timeline.ok && timeline.body.cursor ? html`<p class="hint">Showing the latest 100 activities.</p>` : ''}
      </section>`,
  );
}

function phoneOf(form: FormData | undefined): string {
  return String(form?.get('phone') ?? '');
}

const back = (number: string) => `/contacts?phone=${encodeURIComponent(number)}`;

/** Back to the contact, saying how the API answered a change. */
function afterChange(number: string, answer: ApiAnswer<Suppression>, done: string): ConsoleReply {
  return {
    kind: 'redirect',
    location: back(number),
    notice: answer.ok ? { kind: 'ok', lines: [done] } : { kind: 'error', lines: [answer.error.message] },
  };
}

export const contactRoutes: ConsoleRoutes = {
  'GET /contacts': showContacts,
  'POST /contacts/suppress': async ({ api, target, form }) => {
    const number = phoneOf(form);
    const note = String(form?.get('note') ?? '').trim();
    if (await api.hasRoute(suppressionRoute, 'PUT')) {
      return afterChange(number, await api.suppress(number, note || undefined), 'Suppressed (manual).');
    }
    const result = await runCommand((out) => addSuppression(target, out, number, { reason: 'manual', note }));
    return {
      kind: 'redirect',
      location: back(number),
      notice: noticeOf(result),
    };
  },
  'POST /contacts/unsuppress': async ({ api, target, form }) => {
    const number = phoneOf(form);
    const confirmConsent = form?.get('confirmConsent') === 'true';
    const reason = String(form?.get('reason') ?? '') as SuppressionReason;
    const note = String(form?.get('note') ?? '').trim();
    if (await api.hasRoute(suppressionRoute, 'DELETE')) {
      return afterChange(
        number,
        await api.liftSuppression(number, { reason, confirmConsent, note }),
        'Suppression lifted.',
      );
    }
    const result = await runCommand((out) =>
      removeSuppression(target, out, number, { reason, confirmConsent, ...(note ? { note } : {}) }),
    );
    return {
      kind: 'redirect',
      location: back(number),
      notice: noticeOf(result),
    };
  },
};
