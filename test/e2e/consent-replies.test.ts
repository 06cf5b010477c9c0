import corpus from '../fixtures/consent-replies.json';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import { legacyEvent, messageObject } from '../support/openphone-payloads';
import { legacySignatureHeader } from '../support/signers';
import { SuppressionListRepository } from '../../lambdas/crm/adapters/suppression-list-repository';
import { localDocumentClient } from '../support/dynamo';
import { runAgainst, testTarget } from '../support/cli';

jest.setTimeout(120_000);

type Label = 'opt-out' | 'review' | 'none';
const replies = (corpus.replies as { text: string; label: string }[]).filter(
  (r): r is { text: string; label: Label } =>
    (r.label === 'opt-out' || r.label === 'review' || r.label === 'none') && r.text.trim() !== '',
);

/**
 * The corpus as people would send it: each reply a signed `message.received` webhook from its own
 * number to the replica, then the suppression the campaign sender would read for that number.
 */
describe('consent replies sent to the local replica', () => {
  let replica: LocalReplica;
  const processed = new Set<string>();

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      log: (line) => {
        const id = /(EVconsent\w+) → processed/.exec(line)?.[1];
        if (id) processed.add(id);
      },
    });
  });
  afterAll(() => replica.stop());

  it('suppresses every opt-out, holds every possible one for review, and leaves the rest alone', async () => {
    const [key] = replica.signingKeys as [string];
    const run = Date.now().toString(36);
    const sent = replies.map((reply, i) => ({
      ...reply,
      phone: `+1555${String(7_000_000 + i).padStart(7, '0')}`,
      eventId: `EVconsent${run}x${i}`,
    }));
    const now = new Date().toISOString();
    for (const [i, reply] of sent.entries()) {
      const body = JSON.stringify(
        legacyEvent(
          'message.received',
          messageObject({
            id: `ACconsent${run}x${i}`,
            from: reply.phone,
            text: reply.text,
            media: [],
            createdAt: now,
          }),
          now,
          { id: reply.eventId },
        ),
      );
      const response = await fetch(replica.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'openphone-signature': legacySignatureHeader(body, key),
        },
        body,
      });
      expect(response.status).toBe(202);
    }

    const deadline = Date.now() + 90_000;
    while (!sent.every((r) => processed.has(r.eventId))) {
      if (Date.now() > deadline) throw new Error(`processed ${processed.size} of ${sent.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const { suppressions } = replica.processing;
    const misread: string[] = [];
    for (const reply of sent) {
      const active = (await suppressions.suppressionsOf(reply.phone))
        .filter((s) => s.active)
        .map((s) => s.reason);
      const expected = reply.label === 'none' ? [] : [reply.label];
      if (JSON.stringify(active) !== JSON.stringify(expected))
        misread.push(`${reply.text}: ${active.join(',')}`);
      if (reply.label !== 'none')
        expect(await suppressions.suppressionAudit(reply.phone)).toEqual([
          expect.objectContaining({ action: 'add', reason: reply.label, excerpt: expect.any(String) }),
        ]);
    }
    expect(misread).toEqual([]);

    // What an operator sees: `suppressions show` lists each opt-out with its reason and audit trail.
    const target = testTarget({
      activities: replica.processing.activities,
      suppressions: new SuppressionListRepository(localDocumentClient(), replica.processing.crmTable),
    });
    for (const reply of sent.filter((r) => r.label === 'opt-out')) {
      const shown = await runAgainst(target, 'suppressions', 'show', reply.phone);
      expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: [] });
      expect(shown.stdout.join('\n')).toMatch(/opt-out/);
      expect(shown.stdout.join('\n')).not.toContain(reply.phone); // masked
    }
  });
});
