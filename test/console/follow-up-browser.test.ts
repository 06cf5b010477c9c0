import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { localConsoleTargetFrom, type ConsoleTarget } from '../../console/console-target';
import { startConsoleServer, type RunningConsole } from '../../console/server';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { readReplicaInfo } from '../../local/replica-info';
import {
  launchChromium,
  logIntoConsole,
  seriousAccessibilityViolations,
  uploadCampaignDraft,
} from '../support/browser';
import { zoneInsideWindowNow } from '../support/campaigns';
import { officeHistoryEvents } from '../support/office-history';
import { replicaStateDir, sendLegacyWebhook, startTestReplica } from '../support/replica';
import { defaultTrafficRates } from '../../local/openphone-simulator/traffic-rates';

/** Set (e.g. CONSOLE_SCREENSHOTS=docs/console) to save a full-page PNG of the page there. */
const screenshotDir = process.env.CONSOLE_SCREENSHOTS;

/**
 * The Follow-up page against the replica, fed by the simulated OpenPhone's webhooks: a customer
 * texts the office (the simulator sends `message.received`), the office texts back from
 * OpenPhone (`message.delivered`) or marks the conversation done from the console.
 */
describe('the Follow-up page in Chromium against the replica and the simulated OpenPhone', () => {
  const { stateDir } = replicaStateDir('console-follow-up-');
  const logged: string[] = [];
  let simulator: OpenPhoneSimulator;
  /** The office whose campaign recipients reply (traffic.ts), for the campaign chart. */
  let campaignOffice: OpenPhoneSimulator;
  let replica: LocalReplica;
  let console_: RunningConsole;
  let target: ConsoleTarget;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
    replica = await startTestReplica(stateDir, (l) => {
      if (!l.includes('no running campaign')) logged.push(l);
    });
    simulator = await startOpenPhoneSimulator({
      seed: 23,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 2,
        messagesPerConversation: 2,
        callsPerConversation: 0,
      },
      webhookTarget: { url: replica.webhookUrl, scheme: 'legacy', key: replica.signingKeys[0]! },
    });
    replica.connectCrmApiToOpenPhone({ apiKey: simulator.apiKey, baseUrl: simulator.url });
    campaignOffice = await startOpenPhoneSimulator({
      seed: 24,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
      webhookTarget: { url: replica.webhookUrl, scheme: 'legacy', key: replica.signingKeys[0]! },
      traffic: {
        ...defaultTrafficRates,
        inboundEveryMs: 3_600_000,
        replyShare: 0.45,
        optOutShare: 0.2,
        undeliveredShare: 0.1,
        recipientReplyMs: [100, 1500],
        promptAnswerMs: [500, 2000],
        lateAnswerMs: [3000, 6000],
      },
    });
    replica.startCampaignSender({
      openPhone: { apiKey: campaignOffice.apiKey, baseUrl: campaignOffice.url },
      everyMs: 300,
    });
    // Two weeks of the office's days, for the response-time chart and the missed calls.
    const history = officeHistoryEvents({
      seed: 23,
      line: simulator.workspace.phoneNumbers[0]!,
      days: 13,
      contactsPerDay: 8,
      now: Date.now(),
    });
    for (const event of history) expect((await sendLegacyWebhook(replica, event)).status).toBe(202);
    target = localConsoleTargetFrom(readReplicaInfo(join(stateDir, 'replica.json'))!);
    console_ = await startConsoleServer({ ...target, log: (l) => logged.push(`[console] ${l}`) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    page.setDefaultTimeout(10_000);
    await logIntoConsole(page, console_.loginUrl);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await console_?.stop();
    await simulator?.stop();
    await campaignOffice?.stop();
    await replica?.stop();
  });

  const line = () => simulator.workspace.phoneNumbers[0]!;
  const conversationWith = (number: string) => simulator.workspace.conversationFor(line().id, number)!;
  const row = (conversationId: string) => page.locator(`tr[data-conversation="${conversationId}"]`);

  /** Reloads /follow-up until the row is there (or gone). */
  async function untilRow(conversationId: string, present: boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await page.goto(`${console_.url}/follow-up`);
      expect(response?.status()).toBe(200);
      if ((await row(conversationId).count()) === (present ? 1 : 0)) return;
      if (Date.now() > deadline)
        throw new Error(
          `the conversation ${present ? 'never appeared' : 'never left'}; replica: ${logged.slice(-15).join(' | ')}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('shows an inbound text as waiting, with its age and a link to the timeline; the office’s reply clears it', async () => {
    // Others waiting too: a missed call with a voicemail, one without, a question.
    simulator.workspace.receiveCall({ phoneNumberId: line().id, from: '+15557770201', answered: false });
    simulator.workspace.receiveCall({
      phoneNumberId: line().id,
      from: '+15557770202',
      answered: false,
      voicemail: false,
    });
    simulator.workspace.receiveMessage({
      phoneNumberId: line().id,
      from: '+15557770203',
      text: 'Do you work on Sundays?',
    });
    const customer = '+15557770101';
    simulator.workspace.receiveMessage({
      phoneNumberId: line().id,
      from: customer,
      text: 'Can you come today?',
    });
    const conversationId = conversationWith(customer).id;
    await untilRow(conversationId, true);
    const cells = await row(conversationId).locator('td').allInnerTexts();
    expect(cells[2]).toBe('Text');
    expect(cells[4]).toMatch(/^\d+ min/);
    await expect(row(conversationId).locator('a').first().getAttribute('href')).resolves.toBe(
      `/contacts?phone=${encodeURIComponent(customer)}`,
    );
    // The office's two past weeks: a point per day answered, and the calls it never returned.
    await expect(
      page.locator('section[aria-labelledby="response-heading"] svg circle').count(),
    ).resolves.toBeGreaterThan(13);
    await expect(page.locator('table.missed tbody tr').count()).resolves.toBeGreaterThan(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'follow-up.png'), fullPage: true });

    // The office answers from OpenPhone: the simulator sends `message.delivered`.
    simulator.workspace.sendMessage({ phoneNumberId: line().id, to: customer, text: 'Yes, at 3 pm.' });
    await untilRow(conversationId, false);
  }, 90_000);

  it('Mark done clears a waiting conversation, in OpenPhone too', async () => {
    const customer = '+15557770102';
    simulator.workspace.receiveMessage({
      phoneNumberId: line().id,
      from: customer,
      text: 'Any news on my quote?',
    });
    const conversationId = conversationWith(customer).id;
    await untilRow(conversationId, true);
    await row(conversationId).getByRole('button', { name: 'Mark done' }).click();
    await expect(page.locator('.notice').innerText()).resolves.toContain('Marked done');
    expect(await row(conversationId).count()).toBe(0);
    expect(conversationWith(customer).inboxStatus).toBe('done');
  }, 60_000);

  it('Create task records a task on the conversation; a task without a title is refused and creates nothing', async () => {
    const customer = '+15557770103';
    simulator.workspace.receiveMessage({
      phoneNumberId: line().id,
      from: customer,
      text: 'The heater is leaking',
    });
    const conversationId = conversationWith(customer).id;
    await untilRow(conversationId, true);
    await row(conversationId).getByText('Create task').click();
    await row(conversationId).getByLabel('Title').fill('Send a plumber <today>');
    await row(conversationId).getByLabel('Description').fill('Leak under the heater');
    await row(conversationId).getByRole('button', { name: 'Create the task' }).click();
    await expect(page.locator('.notice').innerText()).resolves.toContain(
      'Task created: "Send a plumber <today>"',
    );
    const tasks = await target.api.conversationTasks(conversationId);
    expect(tasks.ok && tasks.body.items.map((t) => [t.title, t.description])).toEqual([
      ['Send a plumber <today>', 'Leak under the heater'],
    ]);

    // The browser's own check aside (required), the console refuses an empty title itself.
    await row(conversationId).getByText('Create task').click();
    await row(conversationId)
      .getByLabel('Title')
      .evaluate((input) => ((input as { required: boolean }).required = false));
    await row(conversationId).getByRole('button', { name: 'Create the task' }).click();
    await expect(page.locator('.notice').innerText()).resolves.toContain('No task created. Title');
    const after = await target.api.conversationTasks(conversationId);
    expect(after.ok && after.body.items.length).toBe(1);
  }, 60_000);

  it('Campaigns: recipients of the simulated office reply and opt out, and the chart shows it', async () => {
    const zone = zoneInsideWindowNow();
    const definition = {
      name: 'Spring tune-up',
      sendingNumber: campaignOffice.workspace.phoneNumbers[0]!.id,
      variants: [
        { id: 'A', template: 'Hi {{firstName}}, a spring AC tune-up is 20% off this month.', weight: 1 },
        { id: 'B', template: '{{firstName}}, book your spring tune-up: $79 this month only.', weight: 1 },
      ],
      timeZone: zone,
    };
    const phones = Array.from({ length: 40 }, (_, i) => `+1206555${String(7100 + i)}`);
    const csv = ['phone,firstName,timeZone', ...phones.map((p, i) => `${p},Guest${i},${zone}`)].join('\n');
    await uploadCampaignDraft(page, console_.url, definition, csv);
    await page.getByRole('button', { name: 'Start' }).click();
    const campaignUrl = page.url();
    const tally = campaignOffice.traffic!.tally;
    const shown = async () => {
      await page.goto(campaignUrl);
      const cells = await page
        .locator('section[aria-labelledby="variants-heading"] tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) =>
            Array.from((r as { children: ArrayLike<{ textContent: string | null }> }).children, (c) =>
              Number(c.textContent),
            ),
          ),
        );
      return {
        state: await page.locator('.state').textContent(),
        undelivered: cells.reduce((sum, c) => sum + (c[3] ?? 0), 0),
        replied: cells.reduce((sum, c) => sum + (c[6] ?? 0), 0),
        optedOut: cells.reduce((sum, c) => sum + (c[7] ?? 0), 0),
      };
    };
    const deadline = Date.now() + 60_000;
    let counts = await shown();
    // Every reply and opt-out the recipients sent, and every undelivered send, counted on the page.
    while (
      counts.state !== 'completed' ||
      counts.undelivered !== (tally['undelivered'] ?? 0) ||
      counts.replied !== (tally['replies'] ?? 0) ||
      counts.optedOut !== (tally['opt-out replies'] ?? 0)
    ) {
      if (Date.now() > deadline)
        throw new Error(
          `campaign page ${JSON.stringify(counts)}, office ${JSON.stringify(tally)}; ${logged.slice(-10).join(' | ')}`,
        );
      await new Promise((r) => setTimeout(r, 500));
      counts = await shown();
    }
    expect(counts.replied).toBeGreaterThan(5);
    expect(counts.optedOut).toBeGreaterThan(0);
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'campaign.png'), fullPage: true });
  }, 120_000);
});
