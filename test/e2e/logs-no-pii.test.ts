import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import {
  callObject,
  completedCall,
  contactObject,
  legacyEvent,
  messageObject,
  outgoingMessageObject,
  standardEvent,
  summaryObject,
  transcriptObject,
} from '../support/openphone-payloads';
import { legacySignatureHeader, standardWebhookHeaders } from '../support/signers';
import { captureStream, startMediaServer } from '../support/replica';

/**
 * Everything the bridge writes while a signed webhook of every family travels to the CRM, at DEBUG:
 * the Powertools loggers (JSON on stdout/stderr), anything on the console, and the replica's own lines.
 */
describe('logs of an end-to-end run', () => {
  const customer = '+15554440101';
  const line = '+15554440188';
  const contactMobile = '+15554440177';
  const secrets = {
    incoming: 'Meet me by the lighthouse at noon',
    outgoing: 'Your parcel code is 77 Orchard Lane',
    stop: 'STOP',
    summary: 'Customer disputes the invoice for the walnut desk',
    nextStep: 'Refund the walnut desk deposit',
    transcript: 'my date of birth is the fourth of July',
    contactFirst: 'Philippa',
    contactLast: 'Quennell-Ashcombe',
    contactEmail: 'philippa@quennell.example',
    company: 'Zephyrine Textiles',
  };
  const ids = {
    incoming: 'EVpiiincoming',
    outgoing: 'EVpiioutgoing',
    delivered: 'EVpiidelivered',
    stop: 'EVpiistop',
    ringing: 'EVpiiringing',
    completed: 'EVpiicompleted',
    recording: 'EVpiirecording',
    summary: 'EVpiisummary',
    transcript: 'EVpiitranscript',
    contact: 'EVpiicontact',
    contactDeleted: 'EVpiicontactdel',
  };
  /** A payload the CRM mapping rejects, with a phone number where the direction belongs. */
  const rejectedId = 'EVpiirejected';

  const captured: string[] = [];
  const restores: Array<() => void> = [];
  let replica: LocalReplica;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let mediaUrl: string;

  beforeAll(async () => {
    media = await startMediaServer(2048);
    mediaUrl = media.url;

    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    restores.push(() => (process.env.POWERTOOLS_LOG_LEVEL = level));
    for (const stream of [process.stdout, process.stderr])
      restores.push(captureStream(stream, (chunk) => captured.push(chunk)));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
      restores.push(() => spy.mockRestore());
    }
    // Its own DynamoDB Local: the replica's table names are fixed, and another replica test may run
    // beside this one against the shared DynamoDB Local (its stream poller would take these events).
    replica = await startLocalReplica({ port: 0, template: bridgeTemplate(), log: (l) => captured.push(l) });
    replica.processing.allowLocalMediaOrigin(mediaUrl); // as npm start does for its simulator
  }, 120_000);

  afterAll(async () => {
    await replica?.stop();
    for (const restore of restores.reverse()) restore();
    await media?.close();
  });

  async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the events to be processed');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function sendLegacy(event: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(event);
    const [legacyKey] = replica.signingKeys as [string];
    const response = await fetch(replica.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'openphone-signature': legacySignatureHeader(body, legacyKey),
      },
      body,
    });
    expect(response.status).toBe(202);
  }

  async function sendStandard(event: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(event);
    const [, standardKey] = replica.signingKeys as [string, string];
    const response = await fetch(replica.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...standardWebhookHeaders(body, standardKey) },
      body,
    });
    expect(response.status).toBe(202);
  }

  it('carry event ids, and no message text, call content, contact details or full phone number', async () => {
    const now = new Date();
    const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000).toISOString();
    const people = { from: customer, to: [line] };
    const incoming = messageObject({
      id: 'ACpiiin',
      ...people,
      text: secrets.incoming,
      media: [{ url: `${mediaUrl}/photo.jpg`, type: 'image/jpeg' }],
      createdAt: at(0),
    });
    const outgoing = outgoingMessageObject({
      id: 'ACpiiout',
      from: line,
      to: [customer],
      text: secrets.outgoing,
    });
    const callFields = { id: 'ACpiicall', from: customer, to: line };

    await sendLegacy(legacyEvent('message.received', incoming, at(0), { id: ids.incoming }));
    await sendLegacy(
      legacyEvent('message.sent', { ...outgoing, createdAt: at(1) }, at(1), { id: ids.outgoing }),
    );
    await sendStandard({
      ...standardEvent('message.delivered', { ...outgoing, status: 'delivered', createdAt: at(1) }, at(2)),
      id: ids.delivered,
    });
    await sendLegacy(
      legacyEvent(
        'message.received',
        messageObject({ id: 'ACpiistop', ...people, text: secrets.stop, media: [], createdAt: at(3) }),
        at(3),
        { id: ids.stop },
      ),
    );
    await sendLegacy(
      legacyEvent('call.ringing', callObject({ ...callFields, createdAt: at(4) }), at(4), {
        id: ids.ringing,
      }),
    );
    await sendLegacy(
      legacyEvent('call.completed', completedCall({ ...callFields, createdAt: at(4) }), at(5), {
        id: ids.completed,
      }),
    );
    await sendLegacy(
      legacyEvent(
        'call.recording.completed',
        completedCall({
          ...callFields,
          createdAt: at(4),
          media: [{ url: `${mediaUrl}/call.mp3`, type: 'audio/mpeg', duration: 240 }],
        }),
        at(6),
        { id: ids.recording },
      ),
    );
    await sendStandard({
      ...standardEvent(
        'call.summary.completed',
        summaryObject({ callId: 'ACpiicall', summary: [secrets.summary], nextSteps: [secrets.nextStep] }),
        at(7),
      ),
      id: ids.summary,
    });
    await sendLegacy(
      legacyEvent(
        'call.transcript.completed',
        transcriptObject({
          callId: 'ACpiicall',
          dialogue: [{ start: 0, end: 2, content: secrets.transcript, identifier: customer, userId: null }],
        }),
        at(8),
        { id: ids.transcript },
      ),
    );
    const contact = contactObject({
      id: 'CTpii',
      firstName: secrets.contactFirst,
      lastName: secrets.contactLast,
      company: secrets.company,
      emails: [{ name: 'work', value: secrets.contactEmail, id: 'e1' }],
      phoneNumbers: [{ name: 'mobile', value: contactMobile, id: 'p1' }],
      updatedAt: at(9),
    });
    await sendLegacy(legacyEvent('contact.updated', contact, at(9), { id: ids.contact }));
    await sendLegacy(
      legacyEvent('contact.deleted', { ...contact, updatedAt: at(10) }, at(10), { id: ids.contactDeleted }),
    );

    await sendLegacy(
      legacyEvent(
        'message.received',
        messageObject({
          id: 'ACpiibad',
          ...people,
          direction: customer,
          text: secrets.incoming,
          createdAt: at(11),
        }),
        at(11),
        { id: rejectedId },
      ),
    );

    const { activities, suppressions, events } = replica.processing;
    await until(() => captured.some((l) => l.includes('[media-archive] ACpiiin media[0] → archived')));
    for (const id of Object.values(ids)) {
      await until(() => captured.some((l) => l.includes(`${id} → processed`)));
    }
    await until(() => captured.some((l) => l.includes('[media-archive] ACpiicall recording')));
    await until(() => captured.some((l) => l.includes(`${rejectedId} → failed`)));
    // The records were written, with the text and numbers the logs must not show.
    expect(await activities.getActivity('ACpiiin')).toMatchObject({ text: secrets.incoming, from: customer });
    expect(await suppressions.isSuppressed(customer)).toBe(true);
    expect(await events.getEvent(ids.transcript)).toMatchObject({ status: 'processed' });

    const logs = captured.join('\n');
    // Non-empty, structured, and correlated by event id: a capture that saw nothing would fail here.
    expect(captured.some((l) => l.includes('"level":"DEBUG"'))).toBe(true);
    for (const id of [...Object.values(ids), rejectedId]) expect(logs).toContain(`"eventId":"${id}"`);
    expect(logs).toMatch(/"message":"event rejected"[^\n]*EVpiirejected/);
    expect(logs).toContain('…0101'); // the masked form is what appears (consent change)

    for (const text of Object.values(secrets).filter((s) => s !== 'STOP')) expect(logs).not.toContain(text);
    expect(logs).not.toMatch(/\bSTOP\b/);
    for (const number of [customer, line, contactMobile]) {
      expect(logs).not.toContain(number);
      expect(logs).not.toContain(number.slice(2)); // without +1
    }
    expect(logs).not.toMatch(/\+\d{7,15}/); // no E.164 number of any kind
  }, 120_000);
});
