import { startLocalHttpApi } from '../../local/http-api';
import { adminRoutes } from '../../local/admin-api';
import { behindAdminDoor } from '../../local/admin-door';
import { LocalQueueAdmin } from '../../cli/local-queue-admin';
import { replayDeadLetters, showQueueDepths } from '../../cli/commands/dlq';
import { capturedOutput, deadLetter, idleFamilyQueues, runAgainst, testTarget } from '../support/cli';

const token = 'test-admin-token';

/** The admin routes behind the replica's door, as `npm start` serves them. */
async function startAdminApi(admin: Parameters<typeof adminRoutes>[0]) {
  let port = 0;
  const api = await startLocalHttpApi({
    port: 0,
    routes: behindAdminDoor(adminRoutes(admin), { token, port: () => port }),
  });
  port = Number(new URL(api.url).port);
  return api;
}

const message = (eventId: string) =>
  JSON.stringify({
    eventId,
    type: 'call.completed',
    family: 'calls',
    receivedAt: '2026-01-01T00:00:00.000Z',
  });

describe('the local admin API and its CLI client', () => {
  const { queues, admin } = idleFamilyQueues();
  let api: Awaited<ReturnType<typeof startLocalHttpApi>>;
  let client: LocalQueueAdmin;

  beforeAll(async () => {
    api = await startAdminApi(admin);
    client = new LocalQueueAdmin({ baseUrl: api.url, token });
  });
  afterAll(() => api.stop());

  it('replays only the dead letters of the given event ids, then all the rest', async () => {
    await deadLetter(queues.calls, [message('EVa'), message('EVb'), message('EVc')]);
    const target = testTarget({ queues: client });
    const out = capturedOutput();

    await replayDeadLetters(target, out, 'calls', ['EVb', 'EVmissing']);
    expect(out.lines).toEqual(['Moved 1 dead letter (of 2 event ids asked for) back to the calls queue.']);
    expect(queues.calls.deadLetters.map((m) => JSON.parse(m.body).eventId)).toEqual(['EVa', 'EVc']);
    expect(queues.calls.depth).toBe(1);

    await replayDeadLetters(target, out, 'calls');
    expect(out.lines[1]).toBe('Moved 2 dead letters back to the calls queue.');
    expect(queues.calls.deadLetters).toHaveLength(0);

    const depths = capturedOutput();
    await showQueueDepths(target, depths);
    expect(depths.lines).toContainEqual(expect.stringMatching(/^calls\s+3\s+0$/));
    expect(depths.lines).toContainEqual(expect.stringMatching(/^messages\s+0\s+0$/));
  });

  it('enqueues a valid queue message and refuses an invalid one with the field named', async () => {
    await client.enqueue({
      eventId: 'EVnew',
      type: 'message.received',
      family: 'messages',
      receivedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(queues.messages.depth).toBe(1);
    await expect(
      client.enqueue({ eventId: '', type: 'x', family: 'messages', receivedAt: 'now' }),
    ).rejects.toThrow(/answered 400 .*invalid_request, eventId:/);
  });

  it('says the replica is not running when nothing answers, with exit code 1', async () => {
    const closed = await startLocalHttpApi({ port: 0, routes: {} });
    await closed.stop();
    const { code, stderr } = await runAgainst(
      testTarget({ queues: new LocalQueueAdmin({ baseUrl: closed.url, token }) }),
      'dlq',
      'replay',
      'calls',
    );
    expect(code).toBe(1);
    expect(stderr).toEqual([
      `error: could not reach the local replica at ${closed.url}: is \`npm start\` running?`,
    ]);
  });
});

describe('dlq replay --all on the local replica', () => {
  const { queues, admin } = idleFamilyQueues();
  let api: Awaited<ReturnType<typeof startLocalHttpApi>>;

  beforeAll(async () => {
    api = await startAdminApi(admin);
  });
  afterAll(() => api.stop());

  it("dlq replay --all moves every family's dead letters back, with a progress bar and the total", async () => {
    await deadLetter(queues.calls, [message('EVall1'), message('EVall2')]);
    await deadLetter(queues.messages, [message('EVall3')]);
    const callsBefore = queues.calls.depth;
    const { code, stdout } = await runAgainst(
      testTarget({ queues: new LocalQueueAdmin({ baseUrl: api.url, token }) }),
      'dlq',
      'replay',
      '--all',
    );
    expect(code).toBe(0);
    expect(stdout).toContainEqual(
      expect.stringMatching(/^\[#+-*\]\s+\d+%\s+2\/4\s+calls: 2 dead letters moved back$/),
    );
    expect(stdout.at(-1)).toBe('Moved 3 dead letters back to their family queues.');
    expect(queues.calls.deadLetters).toHaveLength(0);
    expect(queues.messages.deadLetters).toHaveLength(0);
    expect(queues.calls.depth).toBe(callsBefore + 2);
  });

  it('dlq replay needs a family or --all, and refuses --all with --event-id (exit code 2)', async () => {
    const target = testTarget({ queues: new LocalQueueAdmin({ baseUrl: api.url, token }) });
    expect(await runAgainst(target, 'dlq', 'replay')).toMatchObject({
      code: 2,
      stderr: ['error: give a family, or --all for every family'],
    });
    expect(await runAgainst(target, 'dlq', 'replay', 'calls', '--all', '--event-id', 'EVx')).toMatchObject({
      code: 2,
      stderr: ['error: --all and --event-id do not go together'],
    });
  });
});
