import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { localConsoleTargetFrom, type ConsoleTarget } from '../../console/console-target';
import { startConsoleServer, type RunningConsole } from '../../console/server';
import { newEventRecord } from '../../lambdas/events';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { readReplicaInfo } from '../../local/replica-info';
import {
  launchChromium,
  logIntoConsole,
  uploadCampaignDraft,
  seriousAccessibilityViolations,
  tinyPng,
  toneWav,
} from '../support/browser';
import { zoneInsideWindowNow } from '../support/campaigns';
import {
  completedCall,
  contactObject,
  legacyEvent,
  messageObject,
  outgoingMessageObject,
  summaryObject,
  transcriptObject,
} from '../support/openphone-payloads';
import { sendLegacyWebhook, startTestReplica } from '../support/replica';

/** What the tests read of <img> and <audio> elements (no DOM lib in this project's types). */
interface ImageState {
  complete: boolean;
  naturalWidth: number;
}
interface AudioState {
  readyState: number;
  error: unknown;
  currentTime: number;
  play(): Promise<void>;
}

// Run in the page: self-contained, on the element.
const imageLoaded = (element: unknown) =>
  (element as ImageState).complete && (element as ImageState).naturalWidth > 0;
const audioLoaded = (element: unknown) =>
  (element as AudioState).readyState >= 1 && (element as AudioState).error === null;
const playAudio = (element: unknown) => (element as AudioState).play();
const audioPlayed = (element: unknown) => (element as AudioState).currentTime > 0;

/** Set (e.g. CONSOLE_SCREENSHOTS=docs/console) to save a full-page PNG of each page there. */
const screenshotDir = process.env.CONSOLE_SCREENSHOTS;

describe('the operator console in Chromium against a seeded local replica', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'console-replica-'));
  const customer = '+15554440101';
  const line = '+15554440188';
  const failedEventId = 'EVconsolefailed';
  const logged: string[] = [];
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;
  let media: Server;
  let mediaUrl: string;
  let console_: RunningConsole;
  let target: ConsoleTarget;
  let browser: Browser;
  let page: Page;

  async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; replica: ${logged.slice(-20).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function sendWebhook(event: Record<string, unknown>) {
    expect((await sendLegacyWebhook(replica, event)).status).toBe(202);
  }

  async function visit(path: string, screenshot?: string) {
    const response = await page.goto(`${console_.url}${path}`);
    expect(response?.status()).toBe(200);
    if (screenshot && screenshotDir)
      await page.screenshot({ path: join(screenshotDir, `${screenshot}.png`), fullPage: true });
  }

  beforeAll(async () => {
    if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
    media = createServer((request, response) => {
      const wav = request.url?.endsWith('.wav');
      response.writeHead(200, { 'content-type': wav ? 'audio/wav' : 'image/png' });
      response.end(wav ? toneWav(2) : tinyPng);
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    simulator = await startOpenPhoneSimulator({
      seed: 17,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 2,
        messagesPerConversation: 2,
        callsPerConversation: 1,
      },
    });
    replica = await startTestReplica(stateDir, (l) => {
      if (!l.includes('no running campaign')) logged.push(l);
    });
    replica.startCampaignSender({
      openPhone: { apiKey: simulator.apiKey, baseUrl: simulator.url },
      everyMs: 300,
    });
    replica.imports.connect({ apiKey: simulator.apiKey, baseUrl: simulator.url });
    replica.connectCrmApiToOpenPhone({ apiKey: simulator.apiKey, baseUrl: simulator.url });
    // As npm start does for its simulator: this test's media host serves http on 127.0.0.1.
    replica.processing.allowLocalMediaOrigin(mediaUrl);
    replica.processing.allowLocalMediaOrigin(simulator.url);
    target = localConsoleTargetFrom(readReplicaInfo(join(stateDir, 'replica.json'))!);
    console_ = await startConsoleServer({ ...target, log: (l) => logged.push(`[console] ${l}`) });
    browser = await launchChromium();
    // bypassCSP: axe-core is injected as an inline script; the console's own policy allows none.
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    await logIntoConsole(page, console_.loginUrl);
    await seed();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await console_?.stop();
    await replica?.stop();
    await simulator?.stop();
    await new Promise((resolve) => media?.close(resolve));
  });

  /** A conversation with a picture, a recorded call with its summary and transcript, a contact, and a failed event. */
  async function seed() {
    const at = (minutes: number) => new Date(Date.now() - (60 - minutes) * 60_000).toISOString();
    const people = { from: customer, to: [line] };
    const callId = 'ACconsolecall';
    await sendWebhook(
      legacyEvent(
        'message.received',
        messageObject({
          id: 'ACconsolein',
          ...people,
          text: 'Is the blue sofa still available?',
          media: [
            { url: `${mediaUrl}/sofa.png`, type: 'image/png' },
            // Refused by the archiver: shown with its reason, never loaded by the page.
            { url: 'http://169.254.169.254/latest/meta-data/', type: 'image/png' },
          ],
          createdAt: at(0),
        }),
        at(0),
        { id: 'EVconsolein' },
      ),
    );
    await sendWebhook(
      legacyEvent(
        'message.delivered',
        outgoingMessageObject({
          id: 'ACconsoleout',
          from: line,
          to: [customer],
          text: 'Yes! Want to come and see it?',
          status: 'delivered',
          createdAt: at(1),
        }),
        at(1),
        { id: 'EVconsoleout' },
      ),
    );
    // Every call event carries the same times: the call lasted 3 minutes.
    const call = { id: callId, ...people, to: line, createdAt: at(2), answeredAt: at(2), completedAt: at(5) };
    await sendWebhook(legacyEvent('call.completed', completedCall(call), at(5), { id: 'EVconsolecall' }));
    await sendWebhook(
      legacyEvent(
        'call.recording.completed',
        completedCall({ ...call, media: [{ url: `${mediaUrl}/call.wav`, type: 'audio/wav', duration: 2 }] }),
        at(6),
        { id: 'EVconsolerec' },
      ),
    );
    await sendWebhook(
      legacyEvent(
        'call.summary.completed',
        summaryObject({
          callId,
          summary: ['Wants to see the blue sofa on Saturday.'],
          nextSteps: ['Book a viewing for Saturday 10:00.'],
        }),
        at(7),
        { id: 'EVconsolesummary' },
      ),
    );
    await sendWebhook(
      legacyEvent(
        'call.transcript.completed',
        transcriptObject({
          callId,
          createdAt: at(8),
          dialogue: [
            { start: 0, end: 2, content: 'Can I come on Saturday?', identifier: customer, userId: null },
          ],
        }),
        at(8),
        { id: 'EVconsoletranscript' },
      ),
    );
    await sendWebhook(
      legacyEvent(
        'contact.updated',
        contactObject({
          id: 'CTconsole',
          firstName: 'Ada',
          lastName: 'Lovelace',
          phoneNumbers: [{ name: 'mobile', value: customer, id: 'p1' }],
          updatedAt: at(9),
        }),
        at(9),
        { id: 'EVconsolecontact' },
      ),
    );
    // A message event that failed (a downstream outage, say): stored failed, as a processor leaves it.
    const payload = JSON.stringify(
      legacyEvent(
        'message.received',
        messageObject({
          id: 'ACconsolefailed',
          ...people,
          text: 'Saturday works.',
          media: [],
          createdAt: at(10),
        }),
        at(10),
        { id: failedEventId },
      ),
    );
    const record = newEventRecord({
      eventId: failedEventId,
      type: 'message.received',
      family: 'messages',
      scheme: 'legacy',
      payload,
      receivedAt: new Date(at(10)),
      retentionDays: 90,
    });
    const since = new Date().toISOString();
    const info = readReplicaInfo(join(stateDir, 'replica.json'))!;
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: info.dynamoEndpoint,
        region: info.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    await documents.send(
      new PutCommand({
        TableName: info.tables.events,
        Item: {
          ...record,
          status: 'failed',
          statusKey: 'failed#messages',
          statusSince: `${since}#${failedEventId}`,
          attempts: 5,
          failureReason: 'ServiceUnavailable: the CRM table was throttled',
        },
      }),
    );
    await until(async () => {
      const timeline = await target.api.timeline(customer);
      const call_ = timeline.ok ? timeline.body.items.find((a) => a.id === callId) : undefined;
      // A timeline page leaves transcripts out: the call in full has it.
      const full = call_ && (await target.api.activity(callId));
      return Boolean(
        call_?.recordings?.[0]?.archivedUrl &&
        call_.summary &&
        full?.ok &&
        full.body.transcript &&
        timeline.ok &&
        timeline.body.items.some((a) => a.media?.[0]?.archivedUrl),
      );
    }, 'the seeded conversation to be processed and its media archived');
  }

  async function expectAccessible() {
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  }

  it('Login: the session is an HttpOnly, SameSite=Strict cookie; another browser without it sees 401', async () => {
    const cookies = await page.context().cookies(console_.url);
    expect(cookies).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^console_session_\d+$/),
        httpOnly: true,
        sameSite: 'Strict',
      }),
    ]);
    // Page scripts cannot read it.
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).toBe('');
    const stranger = await browser.newPage();
    try {
      expect((await stranger.goto(`${console_.url}/health`))?.status()).toBe(401);
      expect((await stranger.goto(console_.loginUrl))?.status()).toBe(401); // the token was spent
    } finally {
      await stranger.close();
    }
  });

  it('Health: shows the failed event with its reason, and a re-drive from the page ends processed', async () => {
    await visit('/health', 'health');
    await expect(page.locator('h1').textContent()).resolves.toBe('Health');
    const row = page.locator(`tr[data-event="${failedEventId}"]`);
    await expect(row.textContent()).resolves.toContain('ServiceUnavailable: the CRM table was throttled');
    const messagesCell = (column: number) =>
      page.locator('table').first().locator('tbody tr', { hasText: 'messages' }).locator('td').nth(column);
    await expect(messagesCell(3).textContent()).resolves.toBe('1'); // failed now
    const processedBefore = Number(await messagesCell(0).textContent()); // processed in the last 24 h
    expect(processedBefore).toBeGreaterThan(0); // the seeded messages
    await expectAccessible();

    await row.getByRole('button', { name: 'Re-drive' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain(`Sent event ${failedEventId}`);
    await until(
      async () => (await target.target.events.getEvent(failedEventId))?.status === 'processed',
      'the re-driven event to be processed',
    );
    await visit('/health');
    await expect(page.locator(`tr[data-event="${failedEventId}"]`).count()).resolves.toBe(0);
    await expect(messagesCell(0).textContent()).resolves.toBe(String(processedBefore + 1));
  }, 90_000);

  it('Contacts: the conversation with bubbles, a picture, a refused attachment with its reason, a call card whose recording plays, summary and transcript', async () => {
    await visit('/contacts');
    // Keyboard only: tab to the search field, type, Enter.
    for (
      let i = 0;
      i < 20 &&
      (await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement?: { id: string } } }).document.activeElement
            ?.id,
      )) !== 'phone';
      i++
    )
      await page.keyboard.press('Tab');
    await page.keyboard.type(customer);
    await page.keyboard.press('Enter');
    await page.waitForURL(/phone=/);
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'contacts.png'), fullPage: true });

    await expect(page.locator('#contact-heading').textContent()).resolves.toContain('Ada Lovelace');
    // Masked by default, revealed on request.
    await expect(page.locator('#contact-heading .phone').textContent()).resolves.toBe('…0101');
    await page.getByRole('button', { name: 'Show phone numbers' }).click();
    await expect(page.locator('#contact-heading .phone').textContent()).resolves.toBe(customer);

    await expect(page.locator('.bubble.incoming').first().textContent()).resolves.toContain(
      'Is the blue sofa still available?',
    );
    await expect(page.locator('.bubble.outgoing').first().textContent()).resolves.toContain(
      'Want to come and see it?',
    );
    const refused = page.locator('.bubble .not-archived');
    await until(async () => {
      if ((await refused.count()) > 0) return true;
      await page.reload();
      return false;
    }, 'the refused attachment to be recorded');
    await expect(refused.textContent()).resolves.toBe(
      'Attachment 2: not archived (the media URL was refused: scheme http: is not https:)',
    );
    await expect(page.locator('[src*="169.254"], [href*="169.254"]').count()).resolves.toBe(0);
    const thumbnail = page.locator('.bubble img.thumb');
    await until(() => thumbnail.evaluate(imageLoaded), 'the archived picture to load');
    const card = page.locator('article.call');
    await expect(card.locator('.duration').textContent()).resolves.toBe('3:00');
    await expect(card.locator('.summary').textContent()).resolves.toContain(
      'Wants to see the blue sofa on Saturday.',
    );
    await expect(card.locator('.next-steps').textContent()).resolves.toContain('Book a viewing');
    await card.locator('details.transcript summary').click();
    await expect(card.locator('details.transcript dd').first().isVisible()).resolves.toBe(true);

    const audio = card.locator('audio');
    await expect(audio.getAttribute('src')).resolves.toContain('X-Amz-Signature');
    await until(() => audio.evaluate(audioLoaded), 'the recording to load');
    await audio.evaluate(playAudio);
    await until(() => audio.evaluate(audioPlayed), 'the recording to play');
    await expectAccessible();
  }, 90_000);

  it('Contacts: finds a contact by name, accents and case aside, and opens the conversation', async () => {
    await visit(`/contacts?phone=${encodeURIComponent('lovelace ADA')}`);
    await expect(page.locator('#found-heading').textContent()).resolves.toContain('lovelace ADA');
    const row = page.locator('section[aria-labelledby="found-heading"] tbody tr');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.first().textContent()).resolves.toContain('Ada Lovelace');
    await expectAccessible();
    await row.first().locator('a').first().click();
    await page.waitForURL(/phone=%2B/);
    await expect(page.locator('#contact-heading').textContent()).resolves.toContain('Ada Lovelace');
    await visit(`/contacts?phone=${encodeURIComponent('Nobody Atall')}`);
    await expect(page.locator('[role="status"]').first().textContent()).resolves.toContain(
      'No contact is named "Nobody Atall"',
    );
  });

  it('Campaigns: a campaign created from a CSV upload runs, and its chart shows both variants', async () => {
    await visit('/campaigns');
    // The recipients' clock, given in the file: a zone inside the sending window now.
    const zone = zoneInsideWindowNow();
    const definition = {
      name: 'Sofa sale',
      sendingNumber: simulator.workspace.phoneNumbers[0]!.id,
      variants: [
        { id: 'A', template: 'Hi {{firstName}}, sofas are 20% off this week.', weight: 1 },
        { id: 'B', template: 'Hello {{firstName}}! Our sofa sale ends Sunday.', weight: 1 },
      ],
      timeZone: zone,
    };
    const phones = Array.from({ length: 10 }, (_, i) => `+4420794601${String(i).padStart(2, '0')}`);
    const csv = [
      'phone,firstName,timeZone',
      ...phones.map((p, i) => `${p},Guest${i},${zone}`),
      `not-a-number,Nobody,${zone}`,
    ].join('\n');
    await uploadCampaignDraft(page, console_.url, definition, csv);
    const notice = await page.locator('.notice').textContent();
    expect(notice).toContain('"Sofa sale" (draft) with 10 recipients');
    expect(notice).toContain('row 12: not a valid phone number');
    await expect(
      page.locator('section[aria-labelledby="preview-heading"] pre').textContent(),
    ).resolves.toMatch(/segment/);
    await expectAccessible();

    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('draft → running');
    const campaignUrl = page.url();
    await until(
      async () => {
        await page.goto(campaignUrl);
        return (await page.locator('.state').textContent()) === 'completed';
      },
      'the campaign to be sent',
      60_000,
    );
    // campaign.png comes from follow-up-browser.test.ts, where the recipients reply.
    for (const variant of ['A', 'B']) {
      await expect(page.locator(`svg g.bar[data-variant="${variant}"]`).count()).resolves.toBe(3);
      await expect(
        page.locator(`svg g.bar[data-variant="${variant}"] title`).first().textContent(),
      ).resolves.toMatch(/95% CI/);
    }
    await expect(page.locator('progress').getAttribute('value')).resolves.toBe('10');
    await expect(page.locator('.verdicts').innerText()).resolves.toMatch(/B vs A: too early to call/);
    await visit('/campaigns', 'campaigns');
    await expect(page.locator('tbody').textContent()).resolves.toContain('Sofa sale');
  }, 90_000);

  it('Imports: a full import started from the page shows its progress until it completes', async () => {
    await visit('/imports');
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toMatch(/Started import full-/);
    const run = page.locator('pre[data-import]').first();
    await until(
      async () => (await run.getAttribute('data-status')) === 'completed',
      'the import to complete in the page',
      60_000,
    );
    await expect(run.textContent()).resolves.toMatch(/records \d+/);
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, 'imports.png'), fullPage: true });
    await expectAccessible();
  }, 90_000);

  it('Send: checks the number, and an opt-out added on Contacts blocks the send', async () => {
    await visit(`/send?to=${encodeURIComponent(customer)}`, 'send');
    await expectAccessible();
    expect(await target.api.hasRoute('/v1/messages', 'POST')).toBe(true);
    expect(await target.api.hasRoute('/v1/suppressions/{phone}', 'PUT')).toBe(true);
    await expect(page.locator('.suppression-check').textContent()).resolves.toContain('is not suppressed');
    await visit(`/contacts?phone=${encodeURIComponent(customer)}`);
    await page.fill('#suppress-note', 'asked us to stop on the phone');
    await page.getByRole('button', { name: 'Suppress this number' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Suppressed');
    await visit(`/send?to=${encodeURIComponent(customer)}`);
    await expect(page.locator('.suppression-check').textContent()).resolves.toContain('is suppressed');
    await page.fill('#text', 'Your viewing is booked.');
    await page.getByRole('button', { name: /^Send to/ }).click();
    await expect(page.locator('.notice.error').textContent()).resolves.toMatch(/Not sent: .*suppress/i);
  });

  it('Contacts: lifting a suppression sends the chosen reason and the note to its audit', async () => {
    const number = '+15554440177';
    expect((await target.api.suppress(number, 'asked by e-mail')).ok).toBe(true);
    await visit(`/contacts?phone=${encodeURIComponent(number)}`);
    await page.selectOption('#lift-reason', 'manual');
    await page.fill('#lift-note', 'called back and asked to hear from us again');
    await page.getByRole('button', { name: 'Lift the suppression' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Suppression lifted');
    const after = await target.api.suppression(number);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.body.suppressed).toBe(false);
    expect(after.body.audit.at(-1)).toMatchObject({
      action: 'remove',
      reason: 'manual',
      source: 'api',
      note: 'called back and asked to hear from us again',
    });
  });

  it('Contacts: an opt-out is lifted only with the consent box and a note saying how', async () => {
    const number = '+15554440178';
    await target.target.suppressions.changeByOperator({
      action: 'add',
      phoneNumber: number,
      reason: 'opt-out',
      at: '2026-11-20T10:00:00.000Z',
      reference: 'ACconsolestop',
    });
    await visit(`/contacts?phone=${encodeURIComponent(number)}`);
    expect(await page.locator('#lift-note').getAttribute('required')).not.toBeNull();
    await page.selectOption('#lift-reason', 'opt-out');
    await page.fill('#lift-note', 'they said it was fine');
    await page.getByRole('button', { name: 'Lift the suppression' }).click();
    await expect(page.locator('.notice.error').textContent()).resolves.toContain('confirmConsent');
    const refused = await target.api.suppression(number);
    if (!refused.ok) throw new Error(refused.error.message);
    expect(refused.body).toMatchObject({ suppressed: true, reason: 'opt-out' });
    expect(refused.body.audit).toHaveLength(1);

    await page.selectOption('#lift-reason', 'opt-out');
    await page.fill('#lift-note', 'texted START on 2026-11-22');
    await page.check('input[name="confirmConsent"]');
    await page.getByRole('button', { name: 'Lift the suppression' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Suppression lifted');
    const after = await target.api.suppression(number);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.body.suppressed).toBe(false);
    expect(after.body.audit.at(-1)).toMatchObject({
      action: 'remove',
      reason: 'opt-out',
      note: 'texted START on 2026-11-22',
    });
  });

  it('Contacts: a review is settled by its own choice, not by lifting', async () => {
    const number = '+15554440179';
    await target.target.suppressions.changeByOperator({
      action: 'add',
      phoneNumber: number,
      reason: 'review',
      at: '2026-11-20T10:00:00.000Z',
      reference: 'ACconsolemaybe',
    });
    await visit(`/contacts?phone=${encodeURIComponent(number)}`);
    await expectAccessible();
    expect(await page.locator('#lift-reason option').allTextContents()).not.toContain('review');
    await page.fill('#review-note', 'asked to remove the old water heater');
    await page.getByRole('button', { name: 'Not an opt-out: lift the review' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Review cleared');
    const after = await target.api.suppression(number);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.body.suppressed).toBe(false);
    expect(after.body.audit.at(-1)).toMatchObject({
      action: 'remove',
      reason: 'review',
      resolution: 'not-an-opt-out',
      note: 'asked to remove the old water heater',
    });
    await expect(page.locator('.review-form').count()).resolves.toBe(0);
  });
});
