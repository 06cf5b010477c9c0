import { HeldSecondSweeps } from '../../lambdas/crm';
import { localSecondSweep } from '../../local/erase-second-sweep';
import { createBridgeTables, localDocumentClient, tableNamed } from '../support/dynamo';

const sweep = {
  phoneNumber: '+15555550123',
  erasedAt: '2026-12-07T10:00:00.000Z',
  conversationKeys: ['CN1'],
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, withinMs = 5000) {
  for (const started = Date.now(); !condition(); await pause(20))
    if (Date.now() - started > withinMs) throw new Error('not within the time');
}

/** The CRM table's held sweeps, remembering the ids they handed out. */
async function heldSweepsInTheCrmTable() {
  const heldSweeps = new HeldSecondSweeps(
    localDocumentClient(),
    tableNamed(await createBridgeTables(), 'CrmTable'),
  );
  const ids: string[] = [];
  const hold = heldSweeps.hold.bind(heldSweeps);
  heldSweeps.hold = async (s) => {
    const id = await hold(s);
    ids.push(id);
    return id;
  };
  return { heldSweeps, ids };
}

describe('the replica’s erase second sweep', () => {
  it('holds the sweep and runs it by id once the wait has passed, as the stack’s state machine does, and not before', async () => {
    const { heldSweeps, ids } = await heldSweepsInTheCrmTable();
    const sweepAgain = jest.fn(async () => ({}) as never);
    const lines: string[] = [];
    const scheduler = localSecondSweep(
      () => ({
        erasure: { sweepAgain, erasureAudit: async () => [] },
        heldSweeps,
        logger: { info: () => {}, warn: () => {} },
      }),
      400,
      (l) => lines.push(l),
    );

    await scheduler.schedule(sweep);
    expect(await heldSweeps.held(ids[0]!)).toEqual(sweep);
    await pause(100);
    expect(sweepAgain).not.toHaveBeenCalled();
    await until(() => lines.length > 0);

    expect(sweepAgain).toHaveBeenCalledWith(sweep);
    expect(lines).toEqual(['erase: second sweep done (erased at 2026-12-07T10:00:00.000Z)']);
    expect(await heldSweeps.held(ids[0]!)).toBeUndefined();
  });

  it('says so when the second sweep fails, keeping the sweep, and drops the waiting ones when the replica stops', async () => {
    const { heldSweeps, ids } = await heldSweepsInTheCrmTable();
    const sweepAgain = jest.fn(async () => {
      throw new Error('table gone');
    });
    const lines: string[] = [];
    const scheduler = localSecondSweep(
      () => ({
        erasure: { sweepAgain, erasureAudit: async () => [] },
        heldSweeps,
        logger: { info: () => {}, warn: () => {} },
      }),
      50,
      (l) => lines.push(l),
    );
    await scheduler.schedule(sweep);
    await until(() => lines.length > 0);
    expect(lines).toEqual(['erase: second sweep failed: table gone']);
    expect(await heldSweeps.held(ids[0]!)).toEqual(sweep);

    await scheduler.schedule(sweep);
    scheduler.stop();
    await pause(200);
    expect(sweepAgain).toHaveBeenCalledTimes(1);
  });
});
