import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { callSimulator } from '../support/openphone-simulator';

/** The most admitted requests found in any window of `windowMs` starting at an admitted request. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('simulator rate limit (10 requests per rolling second per key)', () => {
  let sim: OpenPhoneSimulator;
  beforeEach(async () => {
    sim = await startOpenPhoneSimulator({ seed: 2, rateLimit: { retryAfter: true } });
  });
  afterEach(() => sim.stop());

  it('admits 10 of 15 simultaneous requests and answers the rest 429 with the error body', async () => {
    const answers = await Promise.all(
      Array.from({ length: 15 }, () =>
        callSimulator<{ status: number; title: string }>(sim, 'GET', '/v1/phone-numbers'),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(sim.requestLog.stats().rateLimited).toBe(5);
  });

  it('never admits more than 10 in any 1-second window of a steady 40 requests per second', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      statuses.push((await callSimulator(sim, 'GET', '/v1/users')).status);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const admitted = sim.requestLog.entries.filter((e) => e.status === 200).map((e) => e.at);
    expect(statuses).toContain(429);
    expect(admitted.length).toBeGreaterThanOrEqual(10);
    expect(busiestWindow(admitted, 1000)).toBeLessThanOrEqual(10);
    expect(sim.requestLog.stats().rateLimited).toBe(statuses.filter((s) => s === 429).length);
  });

  it('does not count unauthenticated requests against the key’s limit', async () => {
    await Promise.all(
      Array.from({ length: 5 }, () => callSimulator(sim, 'GET', '/v1/users', undefined, 'wrong')),
    );
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => callSimulator(sim, 'GET', '/v1/users')),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});
