import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localTarget } from '../../cli/local-target';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import {
  startOpenPhoneSimulator,
  type EventIdsAcrossSystems,
  type OpenPhoneSimulator,
} from '../../local/openphone-simulator';
import { runAgainst } from '../support/cli';
import { bridgeTemplate } from '../support/dynamo';
import { replicaStateDir } from '../support/replica';

jest.setTimeout(120_000);

type System = 'legacy' | 'new';

/**
 * Stands between the simulated Quo and the replica, one path per system, so a test decides which
 * system's copy of an event reaches the bridge first: the other's is held until released.
 */
async function startOrderingProxy(target: () => string) {
  const held: Record<System, (() => void)[]> = { legacy: [], new: [] };
  const holding = new Set<System>();
  const server: Server = createServer((request: IncomingMessage, response) => {
    const system: System = request.url?.endsWith('/new') ? 'new' : 'legacy';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const forward = () =>
        void fetch(target(), {
          method: 'POST',
          headers: Object.fromEntries(
            Object.entries(request.headers).filter(
              (h): h is [string, string] =>
                typeof h[1] === 'string' && !['host', 'content-length'].includes(h[0]),
            ),
          ),
          body: Buffer.concat(chunks),
        })
          .then(async (answer) => response.writeHead(answer.status).end(await answer.text()))
          .catch(() => response.writeHead(502).end());
      if (holding.has(system)) held[system].push(forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urlOf: (system: System) => `${url}/${system}`,
    hold: (system: System) => holding.add(system),
    release: (system: System) => {
      holding.delete(system);
      for (const forward of held[system].splice(0)) forward();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The simulated Quo's own deliveries to the replica: a workspace on the new webhooks only, and a
 * workspace in the middle of a migration, where a legacy and a new webhook deliver the same events.
 */
describe("Quo's new webhooks and the migration overlap, as the simulator delivers them", () => {
  const { stateDir, replicaFile } = replicaStateDir('quo-overlap-');
  const lines: string[] = [];
  const saved = { key: process.env.OPENPHONE_API_KEY, url: process.env.OPENPHONE_BASE_URL };
  let replica: LocalReplica;
  let sim: OpenPhoneSimulator;
  let proxy: Awaited<ReturnType<typeof startOrderingProxy>>;
  let person = 0;

  beforeAll(async () => {
    sim = await startOpenPhoneSimulator({ seed: 2727, rateLimit: { limit: 10_000 } });
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      stateDir,
      log: (line) => lines.push(line),
      consentReplies: { openPhone: { apiKey: sim.apiKey, baseUrl: sim.url } },
    });
    proxy = await startOrderingProxy(() => replica.webhookUrl);
    process.env.OPENPHONE_API_KEY = sim.apiKey;
    process.env.OPENPHONE_BASE_URL = sim.url;
  });
  afterAll(async () => {
    await sim?.stop();
    await proxy?.close();
    await replica?.stop();
    for (const [name, value] of [
      ['OPENPHONE_API_KEY', saved.key],
      ['OPENPHONE_BASE_URL', saved.url],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });
  beforeEach(() => {
    sim.webhooks.subscriptions.clear();
    sim.webhooks.quoSubscriptions.clear();
    sim.webhooks.eventIdsAcrossSystems = 'shared';
  });

  const cli = async (...argv: string[]) => {
    const run = await runAgainst(localTarget(replicaFile), ...argv);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: [] });
  };
  /** A number never used before in this file: each case starts with no suppression and no reply. */
  const newPerson = () => `+1555717${String(++person).padStart(4, '0')}`;
  const line = () => sim.workspace.phoneNumbers[0]!;

  async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; bridge: ${lines.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Every delivery the simulator made of events about `objectId`, answered by the bridge. */
  const deliveriesAbout = (objectId: string) =>
    sim.webhooks.deliveries.filter((d) => d.resourceId === objectId || d.body.includes(objectId));
  const handled = (eventId: string) =>
    lines.some((l) => l.includes(` ${eventId} → processed`) || l.includes(` ${eventId} → failed`));
  /** The confirmation replies the simulated Quo was asked to send to `phone`. */
  const repliesTo = (phone: string) => {
    const conversation = sim.workspace.conversationFor(line().id, phone);
    return conversation
      ? sim.workspace
          .activitiesOf(conversation)
          .filter((a) => a.kind === 'message' && a.direction === 'outgoing')
      : [];
  };

  describe('a workspace subscribed only to a new-system webhook', () => {
    beforeEach(() => cli('webhooks', 'create', '--url', proxy.urlOf('new')));

    it("a person's STOP suppresses them, and the message is on their timeline with their number", async () => {
      const phone = newPerson();
      const stop = sim.workspace.receiveMessage({ from: phone, text: 'STOP' });
      await sim.webhooks.settled();
      const [delivery, ...others] = deliveriesAbout(stop.id);
      expect(others).toEqual([]);
      expect(delivery).toMatchObject({ scheme: 'standard', state: 'delivered' });
      await until('the STOP processed', () => handled(delivery!.eventId));

      expect(await replica.processing.suppressions.isSuppressed(phone)).toBe(true);
      const suppression = await fetch(`${replica.crmApi.url}/suppressions/${encodeURIComponent(phone)}`, {
        headers: { authorization: `Bearer ${replica.crmApi.token}` },
      });
      expect(suppression.status).toBe(200);
      expect(JSON.stringify(await suppression.json())).toMatch(/opt-out/);
      const { items } = await replica.processing.activities.timeline(phone);
      expect(items).toContainEqual(
        expect.objectContaining({
          activityId: stop.id,
          from: phone,
          to: [line().number],
          contactNumbers: [phone],
          phoneNumberId: line().id,
          conversationId: stop.conversationId,
        }),
      );
      await until('the confirmation reply', () => repliesTo(phone).length === 1);
    });

    it('a call that ends in voicemail has the voicemail, its recording and transcript, on its record', async () => {
      const phone = newPerson();
      const call = sim.workspace.receiveCall({ from: phone, answered: false });
      await sim.webhooks.settled();
      const deliveries = deliveriesAbout(call.id);
      expect(deliveries.map((d) => d.type).sort()).toEqual([
        'call.completed',
        'call.missed',
        'call.voicemail.completed',
      ]);
      for (const d of deliveries) await until(`${d.type} processed`, () => handled(d.eventId));

      const record = await replica.processing.activities.getActivity(call.id);
      expect(record).toMatchObject({
        from: phone,
        contactNumbers: [phone],
        voicemail: {
          url: `${sim.url}/media/voicemails/${call.id}.mp3`,
          transcript: expect.stringMatching(/call me back/),
        },
      });
      const { items } = await replica.processing.activities.timeline(phone);
      expect(items.map((a) => a.activityId)).toEqual([call.id]);
    });
  });

  describe('during the migration overlap (a legacy and a new webhook deliver the same events)', () => {
    beforeEach(async () => {
      await cli('webhooks', 'register', '--url', proxy.urlOf('legacy'));
      await cli('webhooks', 'create', '--url', proxy.urlOf('new'));
    });

    const cases: [EventIdsAcrossSystems, System][] = [
      ['shared', 'legacy'],
      ['shared', 'new'],
      ['per-system', 'legacy'],
      ['per-system', 'new'],
    ];
    it.each(cases)(
      'event ids %s, the %s copy first: a STOP is one suppression change and one confirmation reply',
      async (ids, first) => {
        sim.webhooks.eventIdsAcrossSystems = ids;
        const second: System = first === 'legacy' ? 'new' : 'legacy';
        const phone = newPerson();
        const sendsBefore = sim.requestLog.entries.filter((e) => e.route === 'POST /v1/messages').length;

        proxy.hold(second);
        const stop = sim.workspace.receiveMessage({ from: phone, text: 'STOP' });
        const copyOf = (system: System) =>
          deliveriesAbout(stop.id).find((d) => d.scheme === (system === 'legacy' ? 'legacy' : 'standard'));
        await until(`the ${first} copy handled`, () => !!copyOf(first) && handled(copyOf(first)!.eventId));
        proxy.release(second);
        await sim.webhooks.settled();

        const copies = deliveriesAbout(stop.id);
        expect(copies.map((d) => d.scheme).sort()).toEqual(['legacy', 'standard']);
        expect(new Set(copies.map((d) => d.eventId)).size).toBe(ids === 'shared' ? 1 : 2);
        expect(copies.every((d) => d.state === 'delivered')).toBe(true);
        for (const copy of copies) await until('both copies handled', () => handled(copy.eventId));

        const audit = await replica.processing.suppressions.suppressionAudit(phone);
        expect(audit.filter((e) => e.action === 'add')).toEqual([
          expect.objectContaining({ reason: 'opt-out', reference: stop.id }),
        ]);
        expect(audit.filter((e) => (e.action as string) === 'reply-sent')).toHaveLength(1);
        expect(repliesTo(phone)).toHaveLength(1);
        expect(sim.requestLog.entries.filter((e) => e.route === 'POST /v1/messages')).toHaveLength(
          sendsBefore + 1,
        );
        expect(await replica.processing.activities.getActivity(stop.id)).toMatchObject({
          from: phone,
          contactNumbers: [phone],
          phoneNumberId: line().id,
        });
      },
    );
  });
});
