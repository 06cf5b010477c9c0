import type { ApiAnswer, Conversation, MissedCall, NewTask, ResponseTimeReport } from '../crm-api-client';
import { actionButton, csrfField, html, phone, tableHead, type Html } from '../html';
import { minutesLabel, responseTimeChart, type ChartDay } from '../response-time-chart';
import type { ConsoleReply, ConsoleRequest, ConsoleRoutes } from '../routing';

const doneRoute = '/v1/conversations/{id}/done';
const tasksRoute = '/v1/conversations/{id}/tasks';
const reportRoute = '/v1/reports/response-times';
/** Days in the response-time chart, today included. */
const chartDays = 14;

/** What the page shows; each part is the API's answer, or why it is missing. */
export interface FollowUpData {
  waiting: ApiAnswer<{ items: Conversation[]; cursor?: string }>;
  report: ApiAnswer<ResponseTimeReport> | 'not-served';
  canMarkDone: boolean;
  canCreateTasks: boolean;
}

const waitingKinds: Record<string, string> = {
  message: 'Text',
  call: 'Call',
  'missed-call': 'Missed call',
  voicemail: 'Voicemail',
  'answered-call': 'Call',
};

const when = (at: string | undefined) =>
  at ? html`<time datetime="${at}">${at.replace('T', ' ').slice(0, 16)}</time>` : '';

const timelineLink = (number: string) =>
  html`<a href="/contacts?phone=${encodeURIComponent(number)}">${phone(number)}</a>`;

/** The days `to - n + 1` … `to`, YYYY-MM-DD. */
function daysEndingAt(to: string, n: number): string[] {
  const end = Date.parse(`${to}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) =>
    new Date(end - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

function taskForm(conversation: Conversation, index: number, csrf: string): Html {
  const field = (name: string) => `task-${name}-${index}`;
  return html`<details class="task">
    <summary>Create task</summary>
    <form method="post" action="/follow-up/${encodeURIComponent(conversation.id)}/tasks" class="stack">
      ${csrfField(csrf)}
      <label for="${field('title')}">Title</label
      ><input id="${field('title')}" name="title" maxlength="200" required />
      <label for="${field('description')}">Description</label
      ><textarea id="${field('description')}" name="description" maxlength="2000" rows="2"></textarea>
      <label for="${field('due')}">Due</label
      ><input id="${field('due')}" name="dueAt" type="datetime-local" />
      <button type="submit">Create the task</button>
    </form>
  </details>`;
}

function waitingSection(data: FollowUpData, csrf: string, now: number): Html {
  if (!data.waiting.ok)
    return html`<p class="bad">The waiting queue could not be read: ${data.waiting.error.message}</p>`;
  const items = data.waiting.body.items;
  if (items.length === 0) return html`<p role="status">Nobody is waiting for an answer.</p>`;
  const rows = items.map((c, i) => {
    const since = c.waitingSince ?? c.waitingFor?.at;
    const ageMinutes = since ? Math.max(0, (now - Date.parse(since)) / 60_000) : null;
    return html`<tr class="${c.overdue ? 'overdue' : ''}" data-conversation="${c.id}">
      <td>${timelineLink(c.contactNumber)}</td>
      <td>${c.ourNumber ? phone(c.ourNumber) : (c.phoneNumberId ?? '')}</td>
      <td>${c.waitingFor ? (waitingKinds[c.waitingFor.kind] ?? c.waitingFor.kind) : ''}</td>
      <td>${when(since)}</td>
      <td class="age">
        ${minutesLabel(ageMinutes)}${c.waitingBusinessMinutes !== undefined ? html`<br /><small>${minutesLabel(c.waitingBusinessMinutes, { days: false })} in business hours</small>` : ''}
      </td>
      <td>${c.overdue ? html`<strong class="bad">overdue</strong>` : html`due ${when(c.replyDueAt)}`}</td>
      <td>
        ${data.canMarkDone ? actionButton(`/follow-up/${encodeURIComponent(c.id)}/done`, 'Mark done', csrf) : ''}
        ${data.canCreateTasks ? taskForm(c, i, csrf) : ''}
      </td>
    </tr>`;
  });
  return html`<table class="waiting">
      ${tableHead('Contact', 'Line', 'Waiting for', 'Since', 'Age', 'Target', '')}
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${data.waiting.body.cursor ? html`<p class="hint">The oldest ${items.length} are shown.</p>` : ''}
    ${
      data.canMarkDone && data.canCreateTasks
        ? ''
        : html`<p class="hint">This CRM API does not serve marking done or tasks yet.</p>`
    }`;
}

function missedCallsSection(calls: readonly MissedCall[]): Html {
  if (calls.length === 0) return html`<p role="status">Every missed call was returned.</p>`;
  return html`<table class="missed">
    ${tableHead('Contact', 'Line', 'When', 'Voicemail')}
    <tbody>
      ${calls.map(
        (c) =>
          html`<tr>
            <td>${timelineLink(c.contactNumber)}</td>
            <td>${c.phoneNumberId ?? ''}</td>
            <td>${when(c.at)}</td>
            <td>${c.voicemail ? 'left a voicemail' : 'none'}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function responseTimesSection(report: ResponseTimeReport): Html {
  const days = daysEndingAt(report.to, chartDays);
  const keys = [...new Set(report.rows.map((r) => r.key))].sort();
  const target = report.totals.targetMinutes;
  const charts = keys.map((key, k) => {
    const byDay = new Map(report.rows.filter((r) => r.key === key).map((r) => [r.day, r]));
    const series: ChartDay[] = days.map(
      (day) => byDay.get(day) ?? { day, answered: 0, p50Minutes: null, p90Minutes: null, withinTarget: 0 },
    );
    return responseTimeChart(
      `response-${k}`,
      `Line ${key}`,
      series,
      byDay.values().next().value?.targetMinutes ?? target,
    );
  });
  const t = report.totals;
  return html`<p>
      ${report.from} to ${report.to}: ${t.spells} waiting spells, ${t.answered} answered, median
      <strong>${minutesLabel(t.p50Minutes)}</strong>, p90 <strong>${minutesLabel(t.p90Minutes)}</strong>,
      ${t.answered ? `${Math.round((t.withinTarget / t.answered) * 100)}%` : '–'} within ${target} minutes;
      ${t.missedCalls} missed calls, ${t.missedCallsReturned} returned.
    </p>
    ${charts.length ? charts : html`<p role="status">No waiting spells in these days.</p>`}`;
}

/** The page's body from what the API answered: pure, so it is tested from fixed data. */
export function followUpBody(data: FollowUpData, csrf: string, now: number): Html {
  const report = data.report;
  return html`<section aria-labelledby="waiting-heading">
      <h2 id="waiting-heading">
        Waiting for an answer${data.waiting.ok ? ` (${data.waiting.body.items.length})` : ''}
      </h2>
      ${waitingSection(data, csrf, now)}
    </section>
    <section aria-labelledby="missed-heading">
      <h2 id="missed-heading">Missed calls not returned</h2>
      ${
        report === 'not-served'
          ? html`<p class="hint">This CRM API does not serve the response-time report yet.</p>`
          : report.ok
            ? missedCallsSection(report.body.unreturnedMissedCalls)
            : html`<p class="bad">${report.error.message}</p>`
      }
    </section>
    <section aria-labelledby="response-heading">
      <h2 id="response-heading">Response times, last ${chartDays} days</h2>
      ${report !== 'not-served' && report.ok ? responseTimesSection(report.body) : html`<p>No report.</p>`}
    </section>`;
}

async function followUpPage({ api, csrf }: ConsoleRequest): Promise<ConsoleReply> {
  const now = Date.now();
  const to = new Date(now).toISOString().slice(0, 10);
  const [waiting, serveReport, canMarkDone, canCreateTasks] = await Promise.all([
    api.waitingConversations({ limit: 100 }),
    api.hasRoute(reportRoute, 'GET'),
    api.hasRoute(doneRoute, 'POST'),
    api.hasRoute(tasksRoute, 'POST'),
  ]);
  const report = serveReport
    ? await api.responseTimes({ from: daysEndingAt(to, chartDays)[0]!, to, by: 'number' })
    : 'not-served';
  return {
    kind: 'page',
    title: 'Follow-up',
    section: 'follow-up',
    body: followUpBody({ waiting, report, canMarkDone, canCreateTasks }, csrf, now),
  };
}

const backWith = (kind: 'ok' | 'error', ...lines: string[]): ConsoleReply => ({
  kind: 'redirect',
  location: '/follow-up',
  notice: { kind, lines },
});

/** The task form as the API takes it, or the field that is wrong. */
export function taskOf(form: FormData | undefined): NewTask | { problem: string } {
  const text = (name: string) => String(form?.get(name) ?? '').trim();
  const title = text('title');
  if (title.length < 1 || title.length > 200) return { problem: 'Title: 1 to 200 characters.' };
  const description = text('description');
  if (description.length > 2000) return { problem: 'Description: at most 2000 characters.' };
  const due = text('dueAt');
  // datetime-local has no zone: it is the console's own clock.
  const dueMs = due ? Date.parse(due) : undefined;
  if (dueMs !== undefined && !Number.isFinite(dueMs)) return { problem: 'Due: not a date and time.' };
  return {
    title,
    ...(description ? { description } : {}),
    ...(dueMs !== undefined ? { dueAt: new Date(dueMs).toISOString() } : {}),
  };
}

export const followUpRoutes: ConsoleRoutes = {
  'GET /follow-up': followUpPage,
  'POST /follow-up/:id/done': async ({ api, params }) => {
    const answer = await api.markConversationDone(params.id!);
    return answer.ok
      ? backWith('ok', 'Marked done: the conversation no longer waits.')
      : backWith('error', `Not marked done: ${answer.error.message}`);
  },
  'POST /follow-up/:id/tasks': async ({ api, params, form }) => {
    const task = taskOf(form);
    if ('problem' in task) return backWith('error', `No task created. ${task.problem}`);
    const answer = await api.createConversationTask(params.id!, task);
    return answer.ok
      ? backWith('ok', `Task created: "${answer.body.task.title}" (${answer.body.task.id}).`)
      : backWith('error', `No task created: ${answer.error.message}`);
  },
};
