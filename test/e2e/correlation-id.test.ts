import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { correlationIdKey } from '../../lambdas/shared/correlation';
import { bridgeTemplate } from '../support/dynamo';
import { legacyEvent, messageObject } from '../support/openphone-payloads';
import { captureStream, sendLegacyWebhook, startMediaServer } from '../support/replica';

/**
 * With tracing off, the logs are how an operator follows one event: every Powertools line of its
 * path — ingest (and its hand-on to the queue), processor, media archiver — carries its id as `correlation_id`, so
 * one Logs Insights query (`filter correlation_id = "EV…"`) shows it whole.
 */
describe('the correlation id of one event', () => {
  const eventId = 'EVcorrelated01';
  const lines: string[] = [];
  const restores: Array<() => void> = [];
  let replica: LocalReplica;
  let media: Awaited<ReturnType<typeof startMediaServer>>;

  beforeAll(async () => {
    media = await startMediaServer(1024);
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG'; // the hand-on's line is DEBUG
    restores.push(() => (process.env.POWERTOOLS_LOG_LEVEL = level));
    for (const stream of [process.stdout, process.stderr])
      restores.push(captureStream(stream, (chunk) => lines.push(...chunk.split('\n').filter(Boolean))));
    replica = await startLocalReplica({
      port: 0,
      template: bridgeTemplate(),
      eventSweepEveryMs: 'off', // nothing but this event's path logs
      log: () => {},
    });
    replica.processing.allowLocalMediaOrigin(media.url); // as npm start does for its simulator
  }, 120_000);

  afterAll(async () => {
    await replica?.stop();
    for (const restore of restores.reverse()) restore();
    await media?.close();
  });

  const structured = () =>
    lines.flatMap((l) => {
      try {
        const parsed = JSON.parse(l) as Record<string, unknown>;
        return typeof parsed.level === 'string' && typeof parsed.message === 'string' ? [parsed] : [];
      } catch {
        return [];
      }
    });

  it('is on every log line from the webhook to the archived media', async () => {
    const response = await sendLegacyWebhook(
      replica,
      legacyEvent(
        'message.received',
        messageObject({
          id: 'ACcorrelated01',
          media: [{ url: `${media.url}/photo.jpg`, type: 'image/jpeg' }],
          createdAt: new Date().toISOString(),
        }),
        new Date().toISOString(),
        { id: eventId },
      ),
    );
    expect(response.status).toBe(202);

    const deadline = Date.now() + 60_000;
    while (!structured().some((l) => l.message === 'media archived')) {
      if (Date.now() > deadline) throw new Error(`the media was not archived; lines: ${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // The CRM events publisher reads CRM-table changes in stream batches (any events' writes), so
    // its one line per batch names counts, not a webhook; its bus events carry their own eventId.
    const path = structured().filter((l) => l.message !== 'CRM events published');
    // Each stage wrote its line: a capture that missed one would pass the check below vacuously.
    expect(path.map((l) => l.message)).toEqual(
      expect.arrayContaining(['webhook accepted', 'event dispatched', 'activity written', 'media archived']),
    );
    for (const line of path) expect(line).toMatchObject({ [correlationIdKey]: eventId });
  }, 90_000);
});
