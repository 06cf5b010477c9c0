import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { SuppressionListRepository } from '../../../lambdas/crm/adapters/suppression-list-repository';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import { reviewReason } from '../../../lambdas/crm/domain/suppression-list';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { runAgainst, testTarget } from '../../support/cli';
import { changeFromWebhook } from '../../support/crm-changes';
import { legacyEvent, messageObject } from '../../support/openphone-payloads';

let suppressions: SuppressionListRepository;
let gate: SuppressionRepository;
let activities: ActivityRepository;
const dir = mkdtempSync(join(tmpdir(), 'suppressions-'));

beforeAll(async () => {
  const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
  const documents = localDocumentClient();
  suppressions = new SuppressionListRepository(documents, crmTable);
  gate = new SuppressionRepository(documents, crmTable);
  activities = new ActivityRepository(documents, crmTable);
}, 120_000);

let counter = 0;
const freshNumber = () => `+1555${String(4_000_000 + counter++).padStart(7, '0')}`;
const cli = (...argv: string[]) =>
  runAgainst(testTarget({ suppressions, activities }), 'suppressions', ...argv);

async function optedOutBy(number: string, messageId: string, text: string, at: string) {
  const change = changeFromWebhook(
    legacyEvent('message.received', messageObject({ id: messageId, from: number, text, createdAt: at }), at),
  );
  await activities.upsertActivity(change.update, change.eventTime);
  await gate.addSuppression({ phoneNumber: number, reason: 'opt-out', at, reference: messageId });
}

describe('suppressions add, remove and show', () => {
  it('an operator suppresses a number by hand, with a note on the audit trail', async () => {
    const number = freshNumber();
    const added = await cli('add', number, '--reason', 'manual', '--note', 'asked by phone');
    expect(added.code).toBe(0);
    expect(await gate.isSuppressed(number)).toBe(true);

    const shown = await cli('show', number);
    const text = shown.stdout.join('\n');
    expect(text).toMatch(/manual\s+active/);
    expect(text).toMatch(/add\s+manual\s+operator:\S+\s+asked by phone/);
    expect(text).not.toContain(number);
  });

  it('refuses to lift an opt-out without --confirm-consent, and lifts it with it, audited', async () => {
    const number = freshNumber();
    await optedOutBy(number, 'ACstop1', 'Stop texting me, call 5551234', '2026-11-20T10:00:00.000Z');

    const refused = await cli('remove', number, '--reason', 'opt-out');
    expect(refused.code).toBe(2);
    expect(refused.stderr.join('\n')).toContain('refusing to lift the opt-out');
    expect(await gate.isSuppressed(number)).toBe(true);
    const withoutNote = await cli('remove', number, '--reason', 'opt-out', '--confirm-consent');
    expect(withoutNote.code).toBe(2);
    expect(withoutNote.stderr.join('\n')).toContain('--note is required');
    expect(await gate.isSuppressed(number)).toBe(true);
    expect((await suppressions.recordOf(number)).audit).toHaveLength(1);

    const lifted = await cli(
      'remove',
      number,
      '--reason',
      'opt-out',
      '--confirm-consent',
      '--note',
      'signed form',
    );
    expect(lifted.code).toBe(0);
    expect(await gate.isSuppressed(number)).toBe(false);

    const trail = (await cli('show', number)).stdout.join('\n');
    expect(trail).toMatch(/add\s+opt-out\s+ACstop1\s+"Stop texting me, call •••••••"/);
    expect(trail).toMatch(/remove\s+opt-out\s+operator:\S+\s+signed form/);
    expect(trail).not.toContain('5551234');
  });

  it('lifts a manual suppression only with a note saying why', async () => {
    const number = freshNumber();
    expect((await cli('add', number, '--reason', 'manual', '--note', 'asked by phone')).code).toBe(0);
    const refused = await cli('remove', number, '--reason', 'manual');
    expect(refused.code).toBe(2);
    expect(refused.stderr.join('\n')).toContain('--note is required');
    expect(await gate.isSuppressed(number)).toBe(true);
    expect((await cli('remove', number, '--reason', 'manual', '--note', 'wants the offers again')).code).toBe(
      0,
    );
    expect(await gate.isSuppressed(number)).toBe(false);
  });

  it('adds only manual suppressions and rejects a number that is not one', async () => {
    const wrongReason = await cli('add', freshNumber(), '--reason', 'opt-out', '--note', 'x');
    expect(wrongReason.code).toBe(2);
    expect(wrongReason.stderr.join('\n')).toContain('only --reason manual');
    const badNumber = await cli('add', '12', '--reason', 'manual', '--note', 'x');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr.join('\n')).toContain('"12" is not a phone number');
    const unknownReason = await cli('list', '--reason', 'vacation');
    expect(unknownReason.code).toBe(2);
  });
});

describe('suppressions list and export', () => {
  it('lists active suppressions of a reason since a time, by a query of the reason index', async () => {
    const early = freshNumber();
    const late = freshNumber();
    const lifted = freshNumber();
    await gate.addSuppression({
      phoneNumber: early,
      reason: 'bounce',
      at: '2026-11-01T00:00:00.000Z',
      reference: 'ACb1',
    });
    await gate.addSuppression({
      phoneNumber: late,
      reason: 'bounce',
      at: '2026-11-21T00:00:00.000Z',
      reference: 'ACb2',
    });
    await gate.addSuppression({
      phoneNumber: lifted,
      reason: 'bounce',
      at: '2026-11-21T00:00:00.000Z',
      reference: 'ACb3',
    });
    await gate.removeSuppression({
      phoneNumber: lifted,
      reason: 'bounce',
      at: '2026-11-22T00:00:00.000Z',
      reference: 'ACd',
    });

    const all = (await cli('list', '--reason', 'bounce', '--show-numbers')).stdout.join('\n');
    expect(all).toContain(early);
    expect(all).toContain(late);
    expect(all).not.toContain(lifted);

    const recent = await cli('list', '--reason', 'bounce', '--since', '2026-11-15T00:00:00Z');
    expect(recent.stdout.join('\n')).toContain(`…${late.slice(-4)}`);
    expect(recent.stdout.join('\n')).not.toContain(`…${early.slice(-4)}`);
    expect(recent.stdout.join('\n')).not.toContain(late);

    const exported = (await cli('export', '--active')).stdout;
    expect(exported[0]).toBe('phone,reason,since,reference');
    expect(exported).toContain(`${late},bounce,2026-11-21T00:00:00.000Z,ACb2`);
    expect(exported.some((line) => line.startsWith(lifted))).toBe(false);
  });
});

describe('suppressions import', () => {
  it('imports nothing when any row is invalid, and reports every invalid row by line', async () => {
    const good = freshNumber();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `phone,note\n${good},ok\nnot a number,x\n${freshNumber()},fine\n12345,y\n`);
    const result = await cli('import', file);
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([
      'line 3: not a possible phone number',
      'line 5: not a possible phone number',
    ]);
    expect(result.stderr.join('\n')).toContain('2 invalid rows; nothing imported');
    expect(await gate.isSuppressed(good)).toBe(false);
  });

  it('imports a valid do-not-contact list as manual suppressions with their notes', async () => {
    const numbers = [freshNumber(), freshNumber()];
    const file = join(dir, 'good.csv');
    writeFileSync(
      file,
      `Phone,Note\n"${numbers[0]}",from the old CRM\n(${numbers[1]!.slice(2, 5)}) ${numbers[1]!.slice(5, 8)}-${numbers[1]!.slice(8)},\n`,
    );
    const result = await cli('import', file);
    expect(result.code).toBe(0);
    expect(result.stdout.join('\n')).toContain('imported 2 numbers');
    for (const number of numbers) expect(await gate.isSuppressed(number)).toBe(true);
    expect((await cli('show', numbers[0]!)).stdout.join('\n')).toContain('from the old CRM');
  });

  it('refuses a file without a phone column or that cannot be read', async () => {
    const file = join(dir, 'nophone.csv');
    writeFileSync(file, 'name\nAda\n');
    const noColumn = await cli('import', file);
    expect(noColumn.code).toBe(2);
    expect(noColumn.stdout[0]).toMatch(/^line 1: no phone column/);
    const missing = await cli('import', join(dir, 'missing.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toContain('cannot read');
  });
});

describe('the review queue', () => {
  it('lists numbers in review; confirm makes an opt-out, clear lifts the review', async () => {
    const [toConfirm, toClear] = [freshNumber(), freshNumber()];
    for (const number of [toConfirm, toClear])
      await gate.addSuppression({
        phoneNumber: number,
        reason: reviewReason,
        at: '2026-11-20T12:00:00.000Z',
        reference: 'ACmaybe',
      });

    const queue = (await cli('list', '--reason', 'review', '--show-numbers')).stdout.join('\n');
    expect(queue).toContain(toConfirm);
    expect(queue).toContain(toClear);

    expect((await cli('confirm', toConfirm)).code).toBe(0);
    expect((await cli('clear', toClear, '--note', 'asked about the end of the week')).code).toBe(0);

    const after = (await cli('list', '--reason', 'review', '--show-numbers')).stdout.join('\n');
    expect(after).not.toContain(toConfirm);
    expect(after).not.toContain(toClear);
    expect(await gate.isSuppressed(toConfirm)).toBe(true);
    expect((await gate.suppressionsOf(toConfirm)).find((s) => s.reason === 'opt-out')?.active).toBe(true);
    expect(await gate.isSuppressed(toClear)).toBe(false);

    const again = await cli('clear', toClear);
    expect(again.code).toBe(1);
    expect(again.stderr.join('\n')).toContain('is not waiting for review');
    const viaRemove = await cli('remove', toConfirm, '--reason', 'review');
    expect(viaRemove.code).toBe(2);
  });
});

describe('suppressions export: the audit trail for a compliance request', () => {
  const header = 'phone,at,action,reason,source,by,reference,note,resolution,matched,excerpt';

  async function historyOf(number: string) {
    await gate.addSuppression({
      phoneNumber: number,
      reason: reviewReason,
      at: '2026-11-20T12:00:00.000Z',
      reference: 'ACmaybe1',
      matched: 'remove …',
      excerpt: "please remove my husband's cell",
    });
    expect((await cli('confirm', number, '--note', 'called: it is his number')).code).toBe(0);
    expect(
      (
        await cli(
          'remove',
          number,
          '--reason',
          'opt-out',
          '--confirm-consent',
          '--note',
          'signed form, 2026-12-01',
        )
      ).code,
    ).toBe(0);
  }

  it("gives one number's every change, whole number and words, as CSV: who, when and why", async () => {
    const number = freshNumber();
    await historyOf(number);
    const lines = (await cli('export', number, '--format', 'csv')).stdout;
    expect(lines[0]).toBe(header);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(
      `${number},2026-11-20T12:00:00.000Z,add,review,message,ACmaybe1,ACmaybe1,,,remove …,please remove my husband's cell`,
    );
    expect(lines.slice(2).join('\n')).toMatch(
      new RegExp(
        `^${number.replace('+', '\\+')},\\S+,add,opt-out,operator,\\S+,operator:\\S+,called: it is his number,,,$`,
        'm',
      ),
    );
    expect(lines.join('\n')).toMatch(
      /remove,review,operator,\S+,operator:\S+,called: it is his number,opt-out,,/,
    );
    expect(lines.join('\n')).toMatch(/remove,opt-out,operator,\S+,operator:\S+,"signed form, 2026-12-01",,,/);
  });

  it('gives the same records as JSON, and every number when none is named', async () => {
    const [one, two] = [freshNumber(), freshNumber()];
    await historyOf(one);
    await gate.addSuppression({
      phoneNumber: two,
      reason: 'bounce',
      at: '2026-11-21T00:00:00.000Z',
      reference: 'ACb9',
    });
    const records = JSON.parse((await cli('export', one, '--format', 'json')).stdout.join('\n')) as Array<
      Record<string, string>
    >;
    expect(records).toHaveLength(4);
    expect(records[3]).toMatchObject({
      phone: one,
      action: 'remove',
      reason: 'opt-out',
      source: 'operator',
      note: 'signed form, 2026-12-01',
    });
    const all = JSON.parse((await cli('export', '--format', 'json')).stdout.join('\n')) as Array<
      Record<string, string>
    >;
    expect(all.filter((r) => r.phone === one)).toEqual(records);
    expect(all.filter((r) => r.phone === two)).toEqual([
      expect.objectContaining({ action: 'add', reason: 'bounce', source: 'message', by: 'ACb9' }),
    ]);
  });

  it('refuses a number that is not one, or an unknown format', async () => {
    expect((await cli('export', '12')).code).toBe(2);
    expect((await cli('export', '--format', 'xml')).code).toBe(2);
  });
});
