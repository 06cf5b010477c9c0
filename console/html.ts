import { maskPhoneNumber } from '../cli/output';

/** HTML built from template literals: every interpolated value is escaped unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = Html | string | number | boolean | undefined | null | readonly Interpolated[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c]!);
}

function render(value: Interpolated): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  return new Html(
    strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i]!) : ''), ''),
  );
}

/** A phone number masked to its last 4 digits; the console's script reveals it on request. */
export function phone(number: string | undefined): Html {
  if (!number) return html``;
  return html`<span class="phone" data-phone="${number}">${maskPhoneNumber(number)}</span>`;
}

export interface PageFrame {
  title: string;
  /** The nav entry to mark as current. */
  section: 'health' | 'contacts' | 'follow-up' | 'campaigns' | 'imports' | 'send';
  targetName: string;
  body: Html;
  /** A one-off notice after an action (Post/Redirect/Get). */
  notice?: { kind: 'ok' | 'error'; lines: string[] };
}

const sections: Array<[PageFrame['section'], string, string]> = [
  ['health', '/health', 'Health'],
  ['contacts', '/contacts', 'Contacts'],
  ['follow-up', '/follow-up', 'Follow-up'],
  ['campaigns', '/campaigns', 'Campaigns'],
  ['imports', '/imports', 'Imports'],
  ['send', '/send', 'Send a message'],
];

export function page(frame: PageFrame): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · OpenPhone Bridge console</title>
        <link rel="stylesheet" href="/static/console.css" />
        <script src="/static/console.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="skip" href="#main">Skip to content</a>
          <span class="brand">OpenPhone Bridge</span>
          <nav aria-label="Sections">
            <ul>
              ${sections.map(
                ([id, href, label]) =>
                  html`<li>
                    <a href="${href}" ${id === frame.section ? html` aria-current="page"` : ''}>${label}</a>
                  </li>`,
              )}
            </ul>
          </nav>
          <span class="target">${frame.targetName}</span>
          <button type="button" class="reveal" aria-pressed="false" hidden>Show phone numbers</button>
        </header>
        <main id="main">
          <h1>${frame.title}</h1>
          ${frame.notice ? html`<div class="notice ${frame.notice.kind}" role="${frame.notice.kind === 'error' ? 'alert' : 'status'}">${frame.notice.lines.map((l) => html`<p>${l}</p>`)}</div>` : ''}
          ${frame.body}
        </main>
      </body>
    </html>`;
}

/** The hidden field every state-changing form carries. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="csrf" value="${token}" />`;
}

/** A small form posting to `action` with one button (and hidden fields). */
export function actionButton(
  action: string,
  label: string,
  csrf: string,
  fields: Record<string, string> = {},
  options: { confirm?: string; className?: string } = {},
): Html {
  return html`<form
    method="post"
    action="${action}"
    class="inline"
    ${options.confirm ? html` data-confirm="${options.confirm}"` : ''}
  >
    ${csrfField(csrf)}${Object.entries(fields).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}<button type="submit" ${options.className ? html` class="${options.className}"` : ''}>${label}</button>
  </form>`;
}

/** A table's header row: one column header per name (an empty name is a visually hidden "Actions"). */
export function tableHead(...columns: string[]): Html {
  return html`<thead>
    <tr>
      ${columns.map((c) =>
        c
          ? html`<th scope="col">${c}</th>`
          : html`<th scope="col"><span class="visually-hidden">Actions</span></th>`,
      )}
    </tr>
  </thead>`;
}
