import { inParallel } from '../../../lambdas/shared/concurrency';

describe('inParallel', () => {
  it('works every item, never more than the concurrency at once', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      done.push(item);
      inFlight--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('does nothing for no items', async () => {
    const work = jest.fn(async () => undefined);
    await inParallel([], 5, work);
    expect(work).not.toHaveBeenCalled();
  });

  it('rejects with the error of an item that fails', async () => {
    await expect(
      inParallel([1, 2], 2, async (item) => {
        if (item === 2) throw new Error('item 2 failed');
      }),
    ).rejects.toThrow('item 2 failed');
  });
});
