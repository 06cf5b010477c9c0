import {
  listOpenEvents,
  matchesRedriveFilters,
  redriveEvent,
  redriveEvents,
  type BulkRedriveOptions,
} from '../../cli/commands/events-redrive';
import { replayAllDeadLetters } from '../../cli/commands/dlq';
import { maskPhoneNumbersIn } from '../../cli/output';
import type { Target } from '../../cli/target';
import {
  defaultSweepPolicy,
  eventFamilies,
  type EventFamily,
  type OpenEventSummary,
} from '../../lambdas/events';
import { noticeOf, runCommand } from '../cli-commands';
import { actionButton, csrfField, html, tableHead } from '../html';
import type { ConsoleRequest, ConsoleRoutes } from '../routing';

/** Open events are counted from listings of the byStatus index, at most this many per family and status. */
const maxListed = 5000;
const dayMs = 86_400_000;

const sinceOf = (event: OpenEventSummary) => event.statusSince.split('#')[0]!;

interface FamilyHealth {
  family: EventFamily;
  stuck: number;
  failed: number;
  failed24h: number;
  redispatches: number;
}

async function familyHealth(target: Target, family: EventFamily, now: Date) {
  const [received, failed] = await Promise.all([
    listOpenEvents(target, 'received', family, maxListed),
    listOpenEvents(target, 'failed', family, maxListed),
  ]);
  const dayAgo = new Date(now.getTime() - dayMs).toISOString();
  // Only events the sweeper found still received past the stuck age are listed as received (an
  // event on its way is in its queue, drawn on the dashboard): every one of them is stuck.
  const stuck = received;
  // The sweeper's count sits on the event item, not on the index: read the stuck ones (a few).
  const records = await Promise.all(stuck.slice(0, 50).map((e) => target.events.getEvent(e.eventId)));
  const health: FamilyHealth = {
    family,
    stuck: stuck.length,
    failed: failed.length,
    failed24h: failed.filter((e) => sinceOf(e) >= dayAgo).length,
    redispatches: records.reduce((sum, r) => sum + (r?.redispatches ?? 0), 0),
  };
  return { health, failed };
}

interface FailedFilters {
  family?: EventFamily;
  type?: string;
  reason?: string;
}

function filtersOf(source: URLSearchParams | FormData): FailedFilters {
  const text = (name: string) => {
    const value = source.get(name);
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const family = text('family');
  return {
    ...(family && (eventFamilies as readonly string[]).includes(family)
      ? { family: family as EventFamily }
      : {}),
    ...(text('type') ? { type: text('type')! } : {}),
    ...(text('reason') ? { reason: text('reason')! } : {}),
  };
}

const bulkOptions = (filters: FailedFilters, dryRun: boolean): BulkRedriveOptions => ({
  status: 'failed',
  ...(filters.family ? { family: filters.family } : {}),
  ...(filters.type ? { type: filters.type } : {}),
  ...(filters.reason ? { reasonContains: filters.reason } : {}),
  ...(dryRun ? { dryRun } : {}),
});

function filterQuery(filters: FailedFilters): string {
  const query = new URLSearchParams();
  if (filters.family) query.set('family', filters.family);
  if (filters.type) query.set('type', filters.type);
  if (filters.reason) query.set('reason', filters.reason);
  const text = query.toString();
  return text ? `?${text}` : '';
}

function filterFields(filters: FailedFilters) {
  return html`${filters.family ? html`<input type="hidden" name="family" value="${filters.family}" />` : ''}${filters.type ? html`<input type="hidden" name="type" value="${filters.type}" />` : ''}${filters.reason ? html`<input type="hidden" name="reason" value="${filters.reason}" />` : ''}`;
}

/** A filter's drop-down: every value, or all. */
function choice(name: string, label: string, values: readonly string[], selected: string | undefined) {
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">all</option>
      ${values.map((v) => html`<option${v === selected ? html` selected` : ''}>${v}</option>`)}
    </select></label
  >`;
}

async function showHealth(request: ConsoleRequest) {
  const { target, csrf } = request;
  const now = new Date();
  const filters = filtersOf(request.url.searchParams);
  const [families, ignored, depths, processed] = await Promise.all([
    Promise.all(eventFamilies.map((family) => familyHealth(target, family, now))),
    target.events.countEvents('ignored', undefined),
    target.queues.depths(),
    target.processedSince(new Date(now.getTime() - 24 * 3_600_000)),
  ]);
  const processedTotal = Object.values(processed).reduce((sum, n) => sum + n, 0);
  const failed = families.flatMap((f) => f.failed).filter(matchesRedriveFilters(bulkOptions(filters, false)));
  const types = [...new Set(families.flatMap((f) => f.failed.map((e) => e.type)))].sort();
  const total = (key: keyof Omit<FamilyHealth, 'family'>) => families.reduce((s, f) => s + f.health[key], 0);
  const shown = failed.slice(0, 200);
  return {
    kind: 'page' as const,
    title: 'Health',
    section: 'health' as const,
    body: html` <section aria-labelledby="events-heading">
        <h2 id="events-heading">Events by family</h2>
        <p class="hint">
          Open events now: stuck (still not processed ${defaultSweepPolicy.stuckAfterMinutes} min after they
          arrived, found by the sweeper; events on their way are in their queue) and failed, with those failed
          in the last 24 h; events processed in the last 24 h (on a deployed stack, the messages each family
          queue's processor finished, from SQS's metric: a duplicate delivery or a rejected payload counts
          too).
        </p>
        <table>
          ${tableHead('Family', 'Processed last 24 h', 'Stuck', 'Sweeper re-dispatches', 'Failed', '… last 24 h')}
          <tbody>
            ${families.map(
              ({ health: h }) =>
                html`<tr>
                  <th scope="row">${h.family}</th>
                  <td>${processed[h.family]}</td>
                  <td class="${h.stuck ? 'warn' : ''}">${h.stuck}</td>
                  <td>${h.redispatches}</td>
                  <td class="${h.failed ? 'bad' : ''}">${h.failed}</td>
                  <td>${h.failed24h}</td>
                </tr>`,
            )}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All families</th>
              <td>${processedTotal}</td>
              <td>${total('stuck')}</td>
              <td>${total('redispatches')}</td>
              <td>${total('failed')}</td>
              <td>${total('failed24h')}</td>
            </tr>
          </tfoot>
        </table>
        <p>Ignored (types the bridge does not route): <strong>${ignored}</strong></p>
      </section>
      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Queues</h2>
        <table>
          ${tableHead('Family', 'Queued', 'Dead letters', '')}
          <tbody>
            ${depths.map(
              (d) =>
                html`<tr>
                  <th scope="row">${d.family}</th>
                  <td>${d.queued}</td>
                  <td class="${d.deadLetters ? 'bad' : ''}">${d.deadLetters}</td>
                  <td>
                    ${d.deadLetters ? actionButton('/health/replay-dead-letters', `Replay ${d.deadLetters} dead letters`, csrf, { family: d.family }, { confirm: `Move ${d.deadLetters} dead letters back to the ${d.family} queue?` }) : ''}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="failed-heading">
        <h2 id="failed-heading">Failed events</h2>
        <form method="get" action="/health" class="filters">
          ${choice('family', 'Family', eventFamilies, filters.family)}
          ${choice('type', 'Type', types, filters.type)}
          <label>Reason contains <input type="search" name="reason" value="${filters.reason ?? ''}" /></label>
          <button type="submit">Filter</button>
        </form>
        ${
          failed.length === 0
            ? html`<p>
                No failed
                events${filters.family || filters.type || filters.reason ? ' match these filters' : ''}.
              </p>`
            : html`<form method="post" action="/health/redrive-matching">
                  ${csrfField(csrf)}${filterFields(filters)}<button type="submit">
                    Re-drive all ${failed.length} matching…
                  </button>
                </form>
                <table class="failed">
                  ${tableHead('Event', 'Type', 'Failed since', 'Attempts', 'Reason', '')}
                  <tbody>
                    ${shown.map(
                      (e) =>
                        html`<tr data-event="${e.eventId}">
                          <td><code>${e.eventId}</code></td>
                          <td>${e.type}</td>
                          <td>${sinceOf(e)}</td>
                          <td>${e.attempts ?? 0}</td>
                          <td>${maskPhoneNumbersIn(e.failureReason ?? '')}</td>
                          <td>
                            ${actionButton('/health/redrive', 'Re-drive', csrf, { eventId: e.eventId, back: filterQuery(filters) })}
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
                ${failed.length > shown.length ? html`<p>… and ${failed.length - shown.length} more.</p>` : ''}`
        }
      </section>`,
  };
}

export const healthRoutes: ConsoleRoutes = {
  'GET /health': showHealth,
  'POST /health/redrive': async ({ target, form }) => {
    const eventId = String(form?.get('eventId') ?? '');
    const back = String(form?.get('back') ?? '');
    const result = await runCommand((out) => redriveEvent(target, out, eventId));
    return {
      kind: 'redirect',
      location: `/health${back.startsWith('?') ? back : ''}`,
      notice: noticeOf(result),
    };
  },
  'POST /health/redrive-matching': async ({ target, form, csrf }) => {
    const filters = filtersOf(form!);
    if (form?.get('confirmed') !== 'yes') {
      // First the count (the CLI's dry run), then the operator confirms it.
      const dryRun = await runCommand((out) => redriveEvents(target, out, bulkOptions(filters, true)));
      return {
        kind: 'page',
        title: 'Re-drive failed events',
        section: 'health',
        body: html`<div role="status">${dryRun.lines.map((l) => html`<p>${l}</p>`)}</div>
          <form method="post" action="/health/redrive-matching">
            ${csrfField(csrf)}${filterFields(filters)}<input type="hidden" name="confirmed" value="yes" />
            <button type="submit">Yes, re-drive them</button>
            <a href="/health${filterQuery(filters)}">Cancel</a>
          </form>`,
      };
    }
    const result = await runCommand((out) => redriveEvents(target, out, bulkOptions(filters, false)));
    return {
      kind: 'redirect',
      location: `/health${filterQuery(filters)}`,
      notice: noticeOf(result),
    };
  },
  'POST /health/replay-dead-letters': async ({ target, form }) => {
    const family = String(form?.get('family') ?? '');
    if (!(eventFamilies as readonly string[]).includes(family))
      return {
        kind: 'redirect',
        location: '/health',
        notice: { kind: 'error', lines: [`no family ${family}`] },
      };
    const result = await runCommand((out) => replayAllDeadLetters(target, out, family as EventFamily));
    return {
      kind: 'redirect',
      location: '/health',
      notice: noticeOf(result),
    };
  },
};
