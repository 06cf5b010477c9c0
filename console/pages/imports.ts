import { cancelImport, startImport } from '../../cli/commands/imports';
import { statusLines } from '../../cli/import-progress-view';
import type { Target } from '../../cli/target';
import type { ImportRun } from '../../lambdas/history-import';
import { noticeOf, runCommand } from '../cli-commands';
import { actionButton, csrfField, html } from '../html';
import type { ConsoleReply, ConsoleRoutes } from '../routing';

async function runLines(target: Target, run: ImportRun) {
  return {
    status: run.status,
    lines: statusLines(run, run.errors ? await target.imports.errorsOf(run.importId) : []),
  };
}

export const importRoutes: ConsoleRoutes = {
  'GET /imports': async ({ target, csrf }): Promise<ConsoleReply> => {
    const { runs } = await target.imports.listRuns({ limit: 20 });
    const shown = await Promise.all(runs.map(async (run) => ({ run, view: await runLines(target, run) })));
    return {
      kind: 'page',
      title: 'Imports',
      section: 'imports',
      body: html` <section aria-labelledby="start-heading">
          <h2 id="start-heading">Start an import</h2>
          <form method="post" action="/imports" class="stack">
            ${csrfField(csrf)}
            <fieldset>
              <legend>Kind</legend>
              <label class="check"
                ><input type="radio" name="kind" value="full" checked /> Full: all history</label
              >
              <label class="check"
                ><input type="radio" name="kind" value="incremental" /> Incremental: what changed since the
                last completed run</label
              >
            </fieldset>
            <label class="check"
              ><input type="checkbox" name="contacts" value="true" checked /> Include contacts</label
            >
            <button type="submit">Start</button>
          </form>
        </section>
        <section aria-labelledby="runs-heading">
          <h2 id="runs-heading">Runs, newest first</h2>
          ${
            shown.length === 0
              ? html`<p>No imports yet.</p>`
              : shown.map(
                  ({ run, view }) =>
                    html`<article class="import" aria-label="Import ${run.importId}">
                      <h3><code>${run.importId}</code> <span class="state">${run.status}</span></h3>
                      <pre
                        class="cli"
                        data-import="${run.importId}"
                        data-status="${run.status}"
                        aria-live="polite"
                      >
${view.lines.join('\n')}</pre>
                      ${run.status === 'running' ? actionButton(`/imports/${run.importId}/cancel`, 'Cancel', csrf, {}, { confirm: `Stop import ${run.importId} after its current page?` }) : ''}
                    </article>`,
                )
          }
        </section>`,
    };
  },
  'GET /imports/:id/progress': async ({ target, params }) => {
    const run = await target.imports.getRun(params.id!);
    return {
      kind: 'json',
      body: run ? await runLines(target, run) : { status: 'unknown', lines: [`no import ${params.id}`] },
    };
  },
  'POST /imports': async ({ target, form }) => {
    const result = await runCommand((out) =>
      startImport(target, out, {
        incremental: form?.get('kind') === 'incremental',
        contacts: form?.get('contacts') === 'true',
      }),
    );
    return {
      kind: 'redirect',
      location: '/imports',
      notice: {
        kind: result.ok ? 'ok' : 'error',
        lines: result.lines.filter((l) => !l.startsWith('Follow it with')),
      },
    };
  },
  'POST /imports/:id/cancel': async ({ target, params }) => {
    const result = await runCommand((out) => cancelImport(target, out, params.id!));
    return {
      kind: 'redirect',
      location: '/imports',
      notice: noticeOf(result),
    };
  },
};
