import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { newEventRecord, statusKeyOf, type EventRecord } from '../../../lambdas/events/domain/event-record';
import { familyOf } from '../../../lambdas/events/domain/event-types';
import { queueMessage, queueMessageFor } from '../../../lambdas/events/domain/queue-message';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { idleFamilyQueues, runAgainst, testTarget } from '../../support/cli';
import { eventId, legacyEvent } from '../../support/events';

type Status = EventRecord['status'];

/**
 * A stored event as the ingest wrote it, then moved to `status` as a processor would; a `received`
 * one as the sweeper lists it once it is stuck (one on its way is in no status listing).
 */
function storedEvent(type: string, status: Status, extra: Partial<EventRecord> = {}): EventRecord {
  const id = eventId();
  const received = newEventRecord({
    eventId: id,
    type,
    family: familyOf(type),
    scheme: 'legacy',
    payload: JSON.stringify(legacyEvent({ id, type })),
    receivedAt: new Date('2026-11-20T10:00:00Z'),
    retentionDays: 90,
  });
  if (status === 'processed') {
    const { statusKey: _k, statusSince: _s, ...rest } = received;
    return { ...rest, status, processedAt: '2026-11-20T10:00:05.000Z', ...extra };
  }
  return {
    ...received,
    status,
    statusKey: statusKeyOf(status as Exclude<Status, 'processed'>, received.family),
    statusSince: `${received.receivedAt}#${id}`,
    ...extra,
  };
}

describe('events commands against the events table', () => {
  let repository: EventRepository;
  const records: Record<string, EventRecord> = {};
  const { queues, admin } = idleFamilyQueues();
  const target = () => testTarget({ events: repository, queues: admin });

  beforeAll(async () => {
    const names = await createBridgeTables();
    repository = new EventRepository(localDocumentClient(), tableNamed(names, 'EventsTable'));
    const arranged: [string, string, Status, Partial<EventRecord>?][] = [
      ['message1', 'message.received', 'received'],
      ['message2', 'message.delivered', 'received'],
      ['message3', 'message.received', 'received'],
      ['call1', 'call.completed', 'received'],
      [
        'failedMessage',
        'message.received',
        'failed',
        { attempts: 5, failureReason: 'CRM refused contact +15555550123: duplicate' },
      ],
      ['processedCall', 'call.completed', 'processed'],
      ['ignored1', 'conversation.archived', 'ignored'],
    ];
    for (const [name, type, status, extra] of arranged) {
      records[name] = storedEvent(type, status, extra);
      await repository.recordEventOnce(records[name]);
    }
  });

  it('prints counts and listings as JSON with --json, a script can page with the cursor', async () => {
    const count = await runAgainst(target(), '--json', 'events', 'count');
    expect(count.code).toBe(0);
    const counted = JSON.parse(count.stdout.join('\n')) as Record<string, unknown>;
    expect(counted).toMatchObject({ received: 4, failed: 1, ignored: 1 });
    expect(counted.families).toContainEqual({ family: 'messages', received: 3, failed: 1 });
    const first = await runAgainst(
      target(),
      'events',
      'list',
      '--status',
      'received',
      '--limit',
      '2',
      '--json',
    );
    const page = JSON.parse(first.stdout.join('\n')) as { items: { eventId: string }[]; cursor: string };
    expect(page.items).toHaveLength(2);
    const rest = await runAgainst(
      target(),
      '--json',
      'events',
      'list',
      '--status',
      'received',
      '--cursor',
      page.cursor,
    );
    const next = JSON.parse(rest.stdout.join('\n')) as { items: { eventId: string }[]; cursor?: string };
    expect([...page.items, ...next.items].map((e) => e.eventId).sort()).toEqual(
      ['message1', 'message2', 'message3', 'call1'].map((n) => records[n]!.eventId).sort(),
    );
    expect(next.cursor).toBeUndefined();
    const failed = await runAgainst(target(), '--json', 'events', 'list', '--status', 'failed');
    expect(failed.stdout.join('\n')).toContain('…0123');
    expect(failed.stdout.join('\n')).not.toContain('+15555550123');
  });

  it('counts stuck and failed events per family, and ignored ones, in a table', async () => {
    const { code, stdout } = await runAgainst(target(), 'events', 'count');
    expect(code).toBe(0);
    expect(stdout).toEqual([
      'Events in the test target',
      'family             stuck  failed',
      'messages               3       1',
      'calls                  1       0',
      'call-intelligence      0       0',
      'contacts               0       0',
      'tasks                  0       0',
      'all families           4       1',
      'ignored (types the bridge does not route): 1',
    ]);
  });

  it('lists received events a page at a time across families, with a cursor for the next page', async () => {
    const first = await runAgainst(target(), 'events', 'list', '--status', 'received', '--limit', '2');
    expect(first.code).toBe(0);
    expect(first.stdout[0]).toMatch(/^id\s+type\s+family\s+since\s+attempts\s+failure reason$/);
    expect(first.stdout).toHaveLength(1 + 2 + 1);
    const cursor = /^next page: --cursor (\S+)$/.exec(first.stdout.at(-1)!)?.[1];
    expect(cursor).toBeDefined();

    const second = await runAgainst(
      target(),
      'events',
      'list',
      '--status',
      'received',
      '--limit',
      '5',
      '--cursor',
      cursor!,
    );
    expect(second.code).toBe(0);
    const ids = [...first.stdout.slice(1, 3), ...second.stdout.slice(1)].map((l) => l.split(/\s+/)[0]);
    expect(new Set(ids)).toEqual(
      new Set(['message1', 'message2', 'message3', 'call1'].map((n) => records[n]!.eventId)),
    );
    expect(second.stdout.join('\n')).not.toMatch(/next page/);
    expect(second.stdout.find((l) => l.startsWith(records.call1!.eventId))).toMatch(
      /call\.completed\s+calls\s+2026-11-20T10:00/,
    );
  });

  it('lists failed events with attempts and the failure reason, phone numbers masked', async () => {
    const { stdout } = await runAgainst(
      target(),
      'events',
      'list',
      '--status',
      'failed',
      '--family',
      'messages',
    );
    expect(stdout).toHaveLength(2);
    expect(stdout[1]).toMatch(
      new RegExp(
        `^${records.failedMessage!.eventId}\\s+message\\.received\\s+messages\\s+\\S+\\s+5\\s+CRM refused contact …0123: duplicate$`,
      ),
    );
  });

  it('refuses a family with ignored events and a cursor from another listing (exit code 2)', async () => {
    const withFamily = await runAgainst(
      target(),
      'events',
      'list',
      '--status',
      'ignored',
      '--family',
      'calls',
    );
    expect(withFamily).toMatchObject({
      code: 2,
      stderr: ['error: ignored events have no family: drop --family'],
    });
    const badCursor = await runAgainst(
      target(),
      'events',
      'list',
      '--status',
      'failed',
      '--cursor',
      'garbage',
    );
    expect(badCursor.code).toBe(2);
    expect(badCursor.stderr).toEqual([
      'error: --cursor is not a cursor printed by this listing (same --status and --family)',
    ]);
    const noStatus = await runAgainst(target(), 'events', 'list');
    expect(noStatus).toMatchObject({
      code: 2,
      stderr: ["error: required option '--status <status>' not specified"],
    });
  });

  it('redrives a received event to its family queue as the dispatcher would have', async () => {
    const { code, stdout } = await runAgainst(target(), 'events', 'redrive', records.call1!.eventId);
    expect(code).toBe(0);
    expect(stdout).toEqual([
      `Sent event ${records.call1!.eventId} (call.completed, received) to the calls queue.`,
    ]);
    expect(queues.calls.depth).toBe(1);
    await queues.calls.pollOnce(async (event) => {
      expect(queueMessage.parse(JSON.parse(event.Records[0]!.body))).toEqual(queueMessageFor(records.call1!));
    });
  });

  it('refuses an unknown id, an ignored type and a processed event (unless --force), with exit code 1', async () => {
    const unknown = await runAgainst(target(), 'events', 'redrive', 'EVnothere');
    expect(unknown).toMatchObject({ code: 1, stderr: ['error: no event EVnothere in the test target'] });

    const ignored = await runAgainst(target(), 'events', 'redrive', records.ignored1!.eventId);
    expect(ignored.code).toBe(1);
    expect(ignored.stderr).toEqual([
      `error: event ${records.ignored1!.eventId} is of type conversation.archived, which the bridge ignores: there is no queue to send it to`,
    ]);

    const processed = await runAgainst(target(), 'events', 'redrive', records.processedCall!.eventId);
    expect(processed.code).toBe(1);
    expect(processed.stderr).toEqual([
      `error: event ${records.processedCall!.eventId} was already processed at 2026-11-20T10:00:05.000Z: add --force to send it again`,
    ]);
    const depthBefore = queues.calls.depth;

    const forced = await runAgainst(target(), 'events', 'redrive', records.processedCall!.eventId, '--force');
    expect(forced.code).toBe(0);
    expect(queues.calls.depth).toBe(depthBefore + 1);
  });
});

describe('events redrive --status: bulk re-drive of open events', () => {
  let repository: EventRepository;
  const failed: Record<string, EventRecord> = {};
  const { queues, admin } = idleFamilyQueues();
  const target = () => testTarget({ events: repository, queues: admin });
  const depths = () => Object.fromEntries(Object.entries(queues).map(([f, q]) => [f, q.depth]));

  beforeAll(async () => {
    const names = await createBridgeTables();
    repository = new EventRepository(localDocumentClient(), tableNamed(names, 'EventsTable'));
    const arranged: [string, string, string, string][] = [
      ['v5message', 'message.received', 'data.object: unknown payload version', '2026-11-21T09:00:00.000Z'],
      ['v5message2', 'message.received', 'data.object: unknown payload version', '2026-11-22T09:00:00.000Z'],
      ['undeliverableCall', 'call.completed', 'undeliverable', '2026-11-22T10:00:00.000Z'],
      ['oldDelivered', 'message.delivered', 'transient: ThrottlingException', '2026-11-19T09:00:00.000Z'],
    ];
    for (const [name, type, reason, at] of arranged) {
      failed[name] = storedEvent(type, 'failed', {
        failureReason: reason,
        attempts: 1,
        statusSince: `${at}#${name}`,
      });
      await repository.recordEventOnce(failed[name]);
    }
    await repository.recordEventOnce(storedEvent('message.received', 'received'));
  });

  it('a dry run counts what matches per family and sends nothing', async () => {
    const { code, stdout } = await runAgainst(
      target(),
      'events',
      'redrive',
      '--status',
      'failed',
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(stdout).toEqual([
      'Dry run: 4 failed events would be sent to their queue again.',
      'family    events',
      'messages       3',
      'calls          1',
    ]);
    expect(Object.values(depths()).every((d) => d === 0)).toBe(true);
  });

  it('filters by type, family, time and reason', async () => {
    const count = async (...filters: string[]) =>
      (await runAgainst(target(), 'events', 'redrive', '--status', 'failed', '--dry-run', ...filters))
        .stdout[0];
    expect(await count('--type', 'message.received')).toMatch(/^Dry run: 2 failed events/);
    expect(await count('--family', 'calls')).toMatch(/^Dry run: 1 failed event would/);
    expect(await count('--since', '2026-11-22T00:00:00Z')).toMatch(/^Dry run: 2 failed events/);
    expect(await count('--reason-contains', 'PAYLOAD VERSION')).toMatch(/^Dry run: 2 failed events/);
    expect(await count('--reason-contains', 'payload version', '--since', '2026-11-22T00:00:00Z')).toMatch(
      /^Dry run: 1 failed event would/,
    );
  });

  it('queues every match with a progress bar and says how many it queued', async () => {
    const { code, stdout } = await runAgainst(
      target(),
      'events',
      'redrive',
      '--status',
      'failed',
      '--reason-contains',
      'payload version',
    );
    expect(code).toBe(0);
    expect(stdout.at(-2)).toBe(`[${'#'.repeat(30)}] 100%  2/2`);
    expect(stdout.at(-1)).toBe('Queued 2 failed events again.');
    expect(depths()).toMatchObject({ messages: 2, calls: 0 });
    const bodies: string[] = [];
    await queues.messages.pollOnce(async (event) => {
      bodies.push(...event.Records.map((r) => r.body));
    });
    expect(bodies.map((b) => queueMessage.parse(JSON.parse(b)).eventId).sort()).toEqual(
      [failed.v5message!.eventId, failed.v5message2!.eventId].sort(),
    );
  });

  it('refuses an id with --status, --force with --status, and neither (exit code 2)', async () => {
    const both = await runAgainst(target(), 'events', 'redrive', 'EVx', '--status', 'failed');
    expect(both).toMatchObject({
      code: 2,
      stderr: ['error: give an event id or --status with filters, not both'],
    });
    const forced = await runAgainst(target(), 'events', 'redrive', '--status', 'failed', '--force');
    expect(forced.code).toBe(2);
    const neither = await runAgainst(target(), 'events', 'redrive');
    expect(neither).toMatchObject({
      code: 2,
      stderr: ['error: give an event id, or --status failed (or received) to re-drive many'],
    });
    const badSince = await runAgainst(
      target(),
      'events',
      'redrive',
      '--status',
      'failed',
      '--since',
      'yesterday',
    );
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toHaveLength(1);
  });
});
