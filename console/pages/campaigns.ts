import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCampaign } from '../../cli/commands/campaigns-create';
import { changeCampaign, describeState, type OperatorAction } from '../../cli/commands/campaigns-lifecycle';
import { previewCampaign } from '../../cli/commands/campaigns-preview';
import { recipientsDone, tooEarlyBecause } from '../../cli/commands/campaigns-status';
import { allowedActions, campaignReport, recipientStates, type CampaignState } from '../../lambdas/campaigns';
import { noticeOf, runCommand } from '../cli-commands';
import { actionButton, csrfField, html, phone, tableHead } from '../html';
import type { ConsoleRequest, ConsoleReply, ConsoleRoutes } from '../routing';
import { variantChart } from '../variant-chart';

/** What the console offers; `schedule` (it needs a time) stays in the CLI. */
const consoleActions: readonly OperatorAction[] = ['start', 'pause', 'resume', 'cancel', 'unschedule'];

const actionsFor = (state: CampaignState) =>
  consoleActions.filter((a) => (allowedActions[state.status] as readonly string[]).includes(a));

function progress(done: number, total: number) {
  return html`<progress max="${Math.max(total, 1)}" value="${done}" aria-label="Recipients done">
      ${done} of ${total}
    </progress>
    <span>${done} of ${total} recipients done</span>`;
}

async function listPage({ target, csrf }: ConsoleRequest): Promise<ConsoleReply> {
  const campaigns = await target.campaigns.campaigns.listCampaigns();
  const rows = await Promise.all(
    campaigns.map(async (c) => {
      const counts = await target.campaigns.recipients.recipientStateCounts(c.campaignId);
      const total = Object.values(counts).reduce((s, n) => s + n, 0);
      const done = recipientsDone(counts);
      return html`<tr>
        <td><a href="/campaigns/${c.campaignId}">${c.definition.name}</a></td>
        <td><code>${c.campaignId}</code></td>
        <td>${describeState(c.state)}</td>
        <td>${progress(done, total)}</td>
        <td>${c.createdAt.slice(0, 16).replace('T', ' ')}</td>
      </tr>`;
    }),
  );
  return {
    kind: 'page',
    title: 'Campaigns',
    section: 'campaigns',
    body: html` <section aria-labelledby="list-heading">
        <h2 id="list-heading">All campaigns</h2>
        ${
          rows.length
            ? html`<table>
                ${tableHead('Name', 'Id', 'State', 'Progress', 'Created')}
                <tbody>
                  ${rows}
                </tbody>
              </table>`
            : html`<p>No campaigns yet.</p>`
        }
      </section>
      <section aria-labelledby="create-heading">
        <h2 id="create-heading">Create a campaign</h2>
        <p class="hint">
          The same files as <code>npm run cli -- campaigns create</code>: a definition (JSON: name,
          sendingNumber, variants, timeZone, …) and a recipient CSV (a <code>phone</code> column and one
          column per template field). It is created as a draft: preview it, then start it.
        </p>
        <form method="post" action="/campaigns" enctype="multipart/form-data" class="stack">
          ${csrfField(csrf)} <label for="definition">Definition (JSON)</label
          ><input id="definition" name="definition" type="file" accept=".json,application/json" required />
          <label for="csv">Recipients (CSV)</label
          ><input id="csv" name="csv" type="file" accept=".csv,text/csv" required />
          <label for="country">Country of numbers written without +</label
          ><input id="country" name="defaultCountry" value="US" maxlength="2" size="3" required />
          <button type="submit">Create the draft</button>
        </form>
      </section>`,
  };
}

async function campaignPage(request: ConsoleRequest): Promise<ConsoleReply> {
  const { target, csrf } = request;
  const campaignId = request.params.id!;
  const campaign = await target.campaigns.campaigns.getCampaign(campaignId);
  if (!campaign)
    return {
      kind: 'page',
      title: 'No such campaign',
      section: 'campaigns',
      status: 404,
      body: html`<p>No campaign ${campaignId}. <a href="/campaigns">All campaigns</a></p>`,
    };
  // What readCampaignReport does, keeping the recipients it read for the skipped and failed list.
  const [recipients, statistics] = await Promise.all([
    target.campaigns.recipients.allRecipients(campaignId),
    target.campaigns.statistics.variantStatistics(campaignId),
  ]);
  const report = campaignReport(campaign, recipients, statistics);
  const done = recipientsDone(report.recipients.byState);
  const preview =
    report.state.status === 'draft' || report.state.status === 'scheduled'
      ? await runCommand((out) => previewCampaign(target, out, campaignId, { limit: 5 }))
      : undefined;
  const verdicts = report.comparisons.map((c) => {
    if (c.comparison.kind === 'nothing-sent')
      return html`<li>
        ${c.variantId} vs ${c.controlVariantId}: not compared yet (nothing sent to one of them).
      </li>`;
    const { pValue, z, approximationReliable } = c.comparison;
    if (report.significance.kind === 'too-early')
      return html`<li>
        <strong>${c.variantId} vs ${c.controlVariantId}: too early to call</strong> (reply rates so far;
        ${tooEarlyBecause(report.significance)}).
      </li>`;
    return html`<li>
      <strong
        >${c.variantId} vs ${c.controlVariantId}:
        ${c.significantAfterCorrection ? 'significant' : 'not significant'} at 95%</strong
      >
      (reply rate, z = ${z.toFixed(2)}, p =
      ${pValue.toFixed(3)})${approximationReliable ? '' : ' — under 5 replies or non-replies in a variant: rough'}.
    </li>`;
  });
  const skipped = recipients.filter((r) => r.state === 'skipped' || r.state === 'failed');
  return {
    kind: 'page',
    title: `Campaign ${report.name}`,
    section: 'campaigns',
    body: html` <p>
        <code>${campaignId}</code> · <strong class="state">${describeState(report.state)}</strong>
      </p>
      <p>${progress(done, report.recipients.total)}</p>
      <div class="actions">
        ${actionsFor(report.state).map((action) =>
          actionButton(
            `/campaigns/${campaignId}/${action}`,
            action[0]!.toUpperCase() + action.slice(1),
            csrf,
            {},
            action === 'cancel' ? { confirm: 'Cancel this campaign for good?' } : {},
          ),
        )}
      </div>
      <section aria-labelledby="variants-heading">
        <h2 id="variants-heading">Variants</h2>
        ${variantChart(report.variants.map((v) => ({ variantId: v.variantId, ...v.counts })))}
        <table>
          ${tableHead('Variant', 'Sent', 'Delivered', 'Undelivered', 'Send failed', 'Skipped', 'Replied', 'Opted out')}
          <tbody>
            ${report.variants.map(
              (v) =>
                html`<tr>
                  <th scope="row">${v.variantId}</th>
                  <td>${v.counts.sent}</td>
                  <td>${v.counts.delivered}</td>
                  <td>${v.counts.failed}</td>
                  <td>${v.sendFailed}</td>
                  <td>${v.skipped}</td>
                  <td>${v.counts.replied}</td>
                  <td>${v.counts.optedOut}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h3>Significance</h3>
        <ul class="verdicts">
          ${verdicts.length ? verdicts : html`<li>One variant: nothing to compare.</li>`}
        </ul>
      </section>
      <section aria-labelledby="recipients-heading">
        <h2 id="recipients-heading">Recipients by state</h2>
        <table>
          <thead>
            <tr>
              ${recipientStates.map((s) => html`<th scope="col">${s}</th>`)}
            </tr>
          </thead>
          <tbody>
            <tr>
              ${recipientStates.map((s) => html`<td>${report.recipients.byState[s]}</td>`)}
            </tr>
          </tbody>
        </table>
        ${
          skipped.length
            ? html`<table>
                <caption>
                  Skipped and failed
                </caption>
                ${tableHead('Number', 'State', 'Variant', 'Reason')}
                <tbody>
                  ${skipped.slice(0, 200).map(
                    (r) =>
                      html`<tr>
                        <td>${phone(r.phone)}</td>
                        <td>${r.state}</td>
                        <td>${r.variantId ?? ''}</td>
                        <td>${r.reason ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : ''
        }
      </section>
      ${
        preview
          ? html`<section aria-labelledby="preview-heading">
              <h2 id="preview-heading">Preview</h2>
              <pre class="cli">${preview.lines.join('\n')}</pre>
            </section>`
          : ''
      }`,
  };
}

async function create({ target, form }: ConsoleRequest): Promise<ConsoleReply> {
  const definition = form?.get('definition');
  const csv = form?.get('csv');
  const country = String(form?.get('defaultCountry') ?? 'US').toUpperCase();
  if (!(definition instanceof File) || !(csv instanceof File))
    return {
      kind: 'redirect',
      location: '/campaigns',
      notice: { kind: 'error', lines: ['Choose a definition file and a CSV file.'] },
    };
  // The CLI's command reads files: hand it the uploads as files, so its checks and report are the same.
  const dir = await mkdtemp(join(tmpdir(), 'console-campaign-'));
  try {
    const definitionFile = join(dir, definition.name.replace(/[^\w.-]/g, '_') || 'definition.json');
    const csvFile = join(dir, csv.name.replace(/[^\w.-]/g, '_') || 'recipients.csv');
    await writeFile(definitionFile, Buffer.from(await definition.arrayBuffer()));
    await writeFile(csvFile, Buffer.from(await csv.arrayBuffer()));
    const result = await runCommand((out) =>
      createCampaign(target, out, { definition: definitionFile, csv: csvFile, defaultCountry: country }),
    );
    const lines = result.lines.filter((l) => !l.startsWith('Next: ')).map((l) => l.replaceAll(`${dir}/`, ''));
    const campaignId = /^Created campaign (\S+) /.exec(lines[0] ?? '')?.[1];
    return {
      kind: 'redirect',
      location: result.ok && campaignId ? `/campaigns/${campaignId}` : '/campaigns',
      notice: { kind: result.ok ? 'ok' : 'error', lines },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const campaignRoutes: ConsoleRoutes = {
  'GET /campaigns': listPage,
  'POST /campaigns': create,
  'GET /campaigns/:id': campaignPage,
  'POST /campaigns/:id/:action': async ({ target, params }) => {
    const action = params.action as OperatorAction;
    const campaignId = params.id!;
    const result = consoleActions.includes(action)
      ? await runCommand((out) => changeCampaign(target, out, campaignId, action))
      : { ok: false, lines: [`no action ${action}`] };
    return {
      kind: 'redirect',
      location: `/campaigns/${encodeURIComponent(campaignId)}`,
      notice: noticeOf(result),
    };
  },
};
