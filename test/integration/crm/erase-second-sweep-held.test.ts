import { readSecondSweepInvocation, runSecondSweep } from '../../../lambdas/crm-api';
import { eraseRaceHarness } from '../../support/erase-race-harness';
import { contactNumber, line, messageObject } from '../../support/openphone-payloads';

// The erase's second sweep as the state machine runs it: its execution input names a held sweep's
// id, never the number; the sweep is read, run and released by id (lambdas/crm-api/second-sweep.ts).

jest.setTimeout(60_000);

const { setUp } = eraseRaceHarness('media-erase-held-test');

describe("an erase's second sweep, held by id", () => {
  /** The one execution the erase started, and the id its input names. */
  const heldSweepId = (inputs: unknown[]) => {
    expect(inputs).toHaveLength(1);
    return (readSecondSweepInvocation(inputs[0]).secondSweep as { sweepId: string }).sweepId;
  };

  it("leaves the number and its conversation keys out of the state machine's execution input", async () => {
    const { deliver, executionInputs, heldSweeps } = await setUp('AClatekeys');
    await deliver('message.received', messageObject({ id: 'ACkeysbefore', text: 'Earlier' }));
    await deliver('message.received', messageObject({ id: 'AClatekeys', text: 'Late', media: [] }));

    const input = JSON.stringify(executionInputs());
    expect(input).not.toContain(contactNumber);
    expect(input).not.toContain(contactNumber.slice(1));
    expect(input).not.toContain(contactNumber.slice(-7));
    expect(input).not.toContain(line.id);
    // What the input used to carry is in the CRM table instead, until the sweep has run.
    const held = await heldSweeps.held(heldSweepId(executionInputs()));
    expect(held).toMatchObject({ phoneNumber: contactNumber });
    expect(held!.conversationKeys).toContain(`${line.id}~${contactNumber}`);
  });

  it('erases by id what a late writer wrote, then forgets the sweep: the same id again is a logged no-op', async () => {
    const { deliver, writersWindowPasses, executionInputs, activities, heldSweeps, sweepDeps, sweepLog } =
      await setUp('AClatebyid');
    await deliver('message.received', messageObject({ id: 'AClatebyid', text: 'Late words', media: [] }));
    const sweepId = heldSweepId(executionInputs());

    await writersWindowPasses();

    expect(await activities.getActivity('AClatebyid')).toBeUndefined();
    expect(await heldSweeps.held(sweepId)).toBeUndefined();
    await expect(runSecondSweep({ secondSweep: { sweepId } }, sweepDeps)).resolves.toEqual({});
    expect(sweepLog.info).toHaveBeenLastCalledWith(expect.stringContaining('nothing held'), { sweepId });
  });

  it("keeps the sweep while it fails, so the state machine's retry erases what the writer wrote", async () => {
    const { deliver, executionInputs, activities, heldSweeps, sweepDeps } = await setUp('AClateretry');
    await deliver('message.received', messageObject({ id: 'AClateretry', text: 'Late words', media: [] }));
    const invocation = readSecondSweepInvocation(executionInputs()[0]);
    const failing = {
      sweepAgain: async () => {
        throw new Error('throttled');
      },
      erasureAudit: async () => [],
    };

    await expect(runSecondSweep(invocation, { ...sweepDeps, erasure: failing })).rejects.toThrow('throttled');
    expect(await heldSweeps.held(heldSweepId(executionInputs()))).toBeDefined();
    await runSecondSweep(invocation, sweepDeps);

    expect(await activities.getActivity('AClateretry')).toBeUndefined();
  });

  it('still erases for an execution started with the sweep itself as its input (before this version)', async () => {
    const { deliver, executionInputs, activities, heldSweeps, sweepDeps } = await setUp('AClateold');
    await deliver('message.received', messageObject({ id: 'AClateold', text: 'Late words', media: [] }));
    const sweep = (await heldSweeps.held(heldSweepId(executionInputs())))!;

    const answer = await runSecondSweep(readSecondSweepInvocation({ secondSweep: sweep }), sweepDeps);

    expect(answer.erased).toMatchObject({ activities: 1 });
    expect(await activities.getActivity('AClateold')).toBeUndefined();
  });

  it('answers an id with nothing held (expired) with a logged no-op, not an error the state machine retries', async () => {
    const { sweepDeps, sweepLog } = await setUp('never-erased');

    await expect(
      runSecondSweep({ secondSweep: { sweepId: 'expired-long-ago' } }, sweepDeps),
    ).resolves.toEqual({});
    expect(sweepLog.info).toHaveBeenCalledWith(expect.stringContaining('nothing held'), {
      sweepId: 'expired-long-ago',
    });
  });
});
