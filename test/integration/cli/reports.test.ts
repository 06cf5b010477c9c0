import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { runAgainst, testTarget } from '../../support/cli';
import { changeFromWebhook } from '../../support/crm-changes';
import {
  callObject,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
} from '../../support/openphone-payloads';

describe('reports response-times', () => {
  let activities: ActivityRepository;
  const caller = '+15555550123';

  beforeAll(async () => {
    activities = new ActivityRepository(
      localDocumentClient(),
      tableNamed(await createBridgeTables(), 'CrmTable'),
    );
    for (const event of [
      // Monday 9 Nov 2026 10:00 New York, answered 20 minutes later.
      legacyEvent(
        'message.received',
        messageObject({
          id: 'ACq',
          conversationId: 'CNq',
          text: 'Is Tuesday ok?',
          createdAt: '2026-11-09T15:00:00.000Z',
        }),
        '2026-11-09T15:00:00.000Z',
      ),
      legacyEvent(
        'message.sent',
        outgoingMessageObject({ id: 'ACa', conversationId: 'CNq', createdAt: '2026-11-09T15:20:00.000Z' }),
        '2026-11-09T15:20:00.000Z',
      ),
      // A voicemail nobody returned.
      legacyEvent(
        'call.completed',
        callObject({
          id: 'ACvm',
          conversationId: 'CNvm',
          from: caller,
          status: 'completed',
          createdAt: '2026-11-10T16:00:00.000Z',
          voicemail: { url: 'https://storage.openphone.example/vm.mp3', type: 'audio/mpeg', duration: 20 },
        }),
        '2026-11-10T16:01:00.000Z',
      ),
    ]) {
      const change = changeFromWebhook(event);
      await activities.upsertActivity(change.update, change.eventTime);
    }
  }, 120_000);

  const run = (...argv: string[]) =>
    runAgainst(testTarget({ activities }), 'reports', 'response-times', ...argv);

  it('prints a table per day and line, the totals, and the unreturned missed calls masked', async () => {
    const { code, stdout } = await run('--from', '2026-11-01', '--to', '2026-11-10');
    expect(code).toBe(0);
    const text = stdout.join('\n');
    expect(text).toMatch(/day\s+number\s+spells\s+answered\s+p50\s+p90/);
    expect(text).toMatch(new RegExp(`2026-11-09\\s+${line.id}\\s+1\\s+1\\s+20\\s+20\\s+0/15m`));
    expect(text).toMatch(/total\s+2\s+1\s+20/);
    expect(text).toContain('Missed calls not returned');
    expect(text).toContain('…0123');
    expect(text).not.toContain(caller);
  });

  it('answers the API’s JSON with --json, and reads the stage’s hours from --follow-up', async () => {
    const file = join(tmpdir(), `follow-up-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ default: { replyTargetMinutes: 30 } }));
    const { code, stdout } = await run(
      '--from',
      '2026-11-09',
      '--to',
      '2026-11-09',
      '--follow-up',
      file,
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout.join('\n')) as {
      rows: { withinTarget: number; targetMinutes: number }[];
    };
    expect(report.rows).toMatchObject([{ withinTarget: 1, targetMinutes: 30 }]);
  });

  it('refuses a bad period with a usage error naming the option, and reads nothing', async () => {
    const nothing = testTarget({});
    const refused = await runAgainst(
      nothing,
      'reports',
      'response-times',
      '--from',
      '2026-12-10',
      '--to',
      '2026-12-01',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr.join('\n')).toContain('--to: must not be before from');
    const badDay = await runAgainst(
      nothing,
      'reports',
      'response-times',
      '--from',
      'monday',
      '--to',
      '2026-12-01',
    );
    expect(badDay.stderr.join('\n')).toContain('--from: must be a date YYYY-MM-DD');
    const badBy = await run('--from', '2026-12-01', '--to', '2026-12-02', '--by', 'team');
    expect(badBy.code).toBe(2);
  });
});
