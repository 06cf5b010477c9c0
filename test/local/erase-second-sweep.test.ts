import { localSecondSweep } from '../../local/erase-second-sweep';

const sweep = {
  phoneNumber: '+15555550123',
  erasedAt: '2026-12-07T10:00:00.000Z',
  conversationKeys: ['CN1'],
};

describe('the replica’s erase second sweep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sweeps again once the wait has passed, as the stack’s state machine does, and not before', async () => {
    const sweepAgain = jest.fn(async () => ({}) as never);
    const lines: string[] = [];
    const scheduler = localSecondSweep(
      () => ({ sweepAgain }),
      360_000,
      (l) => lines.push(l),
    );
    await scheduler.schedule(sweep);
    jest.advanceTimersByTime(359_999);
    expect(sweepAgain).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(sweepAgain).toHaveBeenCalledWith(sweep);
    await Promise.resolve();
    await Promise.resolve();
    expect(lines).toEqual(['erase: second sweep done (erased at 2026-12-07T10:00:00.000Z)']);
  });

  it('says so when the second sweep fails, and drops the waiting ones when the replica stops', async () => {
    const sweepAgain = jest.fn(async () => {
      throw new Error('table gone');
    });
    const lines: string[] = [];
    const scheduler = localSecondSweep(
      () => ({ sweepAgain }),
      1000,
      (l) => lines.push(l),
    );
    await scheduler.schedule(sweep);
    jest.advanceTimersByTime(1000);
    await Promise.resolve();
    await Promise.resolve();
    expect(lines).toEqual(['erase: second sweep failed: table gone']);
    await scheduler.schedule(sweep);
    scheduler.stop();
    jest.advanceTimersByTime(5000);
    expect(sweepAgain).toHaveBeenCalledTimes(1);
  });
});
