import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { maxIndexPagesPerRequest } from '../../../lambdas/crm/adapters/activity-pages';
import { ActivityRepository, type TimelineRequest } from '../../../lambdas/crm/adapters/activity-repository';
import { activityKinds, type ActivityKind, type ActivityUpdate } from '../../../lambdas/crm/domain/activity';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { line } from '../../support/openphone-payloads';

jest.setTimeout(180_000);

let documents: DynamoDBDocumentClient;
let crmTable: string;
let activities: ActivityRepository;
/** Index queries sent, counted by a client wrapped around the real one. */
let queries = 0;

beforeAll(async () => {
  const names = await createBridgeTables();
  documents = localDocumentClient();
  crmTable = tableNamed(names, 'CrmTable');
  const counting = {
    send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      if (command.constructor.name === 'QueryCommand') queries++;
      return documents.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  activities = new ActivityRepository(counting, crmTable);
}, 120_000);

let numbers = 0;
/** A number no other run has used: each run has a timeline of its own. */
const freshNumber = () => `+1555${String(1_000_000 + numbers++).slice(1)}0`;

/** Activities of these kinds on a fresh number's timeline, oldest first; answers the number and the ids. */
async function timelineOf(kinds: readonly ActivityKind[]) {
  const phoneNumber = freshNumber();
  const ids = kinds.map((_, i) => `AC${phoneNumber.slice(1)}x${i}`);
  for (const [i, kind] of kinds.entries()) {
    const createdAt = new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString();
    const update: ActivityUpdate = {
      activityId: ids[i]!,
      source: 'webhook',
      facts: {
        kind: kind === 'message' ? 'message' : 'call',
        contactNumbers: [phoneNumber],
        participants: [line.number, phoneNumber].sort(),
        createdAt,
        ...(kind === 'message' ? { text: `message ${i}` } : {}),
      },
      aspects:
        kind === 'voicemail'
          ? { voicemail: { url: `https://storage.openphone.example/vm${i}.mp3`, duration: 3 } }
          : { status: kind === 'message' ? 'received' : 'completed' },
    };
    await activities.upsertActivity(update, createdAt);
  }
  return { phoneNumber, ids };
}

/** Every page of a timeline, following cursors; fails rather than loop for ever. */
async function allPages(phoneNumber: string, request: Omit<TimelineRequest, 'cursor'>, maxRequests: number) {
  const pages: { ids: string[]; cursor?: string; queries: number }[] = [];
  let cursor: string | undefined;
  do {
    if (pages.length === maxRequests) throw new Error(`still a cursor after ${maxRequests} requests`);
    const before = queries;
    const page = await activities.timeline(phoneNumber, { ...request, ...(cursor ? { cursor } : {}) });
    cursor = page.cursor;
    pages.push({
      ids: page.items.map((a) => a.activityId),
      ...(cursor ? { cursor } : {}),
      queries: queries - before,
    });
  } while (cursor);
  return pages;
}

/** The kinds a number's timeline holds from messages and calls (a task sits on a conversation's). */
const timelineKinds = activityKinds.filter((k): k is Exclude<ActivityKind, 'task'> => k !== 'task');

describe('a timeline paged with or without a kind', () => {
  it('returns every matching activity exactly once, newest first, for any kinds and any limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...timelineKinds), { maxLength: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.constantFrom(...timelineKinds), { nil: undefined }),
        async (kinds, limit, kind) => {
          const { phoneNumber, ids } = await timelineOf(kinds);
          const expected = ids.filter((_, i) => !kind || kinds[i] === kind).reverse();

          const pages = await allPages(phoneNumber, { limit, ...(kind ? { kind } : {}) }, kinds.length + 2);

          expect(pages.flatMap((p) => p.ids)).toEqual(expected);
          for (const page of pages) {
            expect(page.ids.length).toBeLessThanOrEqual(limit);
            expect(page.queries).toBeLessThanOrEqual(maxIndexPagesPerRequest);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps the matches a full page leaves on the index page it read', async () => {
    // Newest first: call, call, call, message, call. With limit 2, the first index page holds three calls.
    const { phoneNumber, ids } = await timelineOf(['call', 'message', 'call', 'call', 'call']);

    const pages = await allPages(phoneNumber, { limit: 2, kind: 'call' }, 5);

    expect(pages.map((p) => p.ids)).toEqual([
      [ids[4], ids[3]],
      [ids[2], ids[0]],
    ]);
  });

  it('answers a rare kind in bounded requests, some with fewer items than asked and a cursor', async () => {
    const kinds: ActivityKind[] = ['call', ...Array<ActivityKind>(40).fill('message')];
    const { phoneNumber, ids } = await timelineOf(kinds);

    const pages = await allPages(phoneNumber, { limit: 5, kind: 'call' }, 10);

    expect(pages[0]).toEqual({ ids: [], cursor: expect.any(String), queries: maxIndexPagesPerRequest });
    expect(pages.flatMap((p) => p.ids)).toEqual([ids[0]]);
  });
});
