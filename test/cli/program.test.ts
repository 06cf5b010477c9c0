import { formatTable, maskPhoneNumber, maskPhoneNumbersIn } from '../../cli/output';
import { runAgainst, testTarget } from '../support/cli';

const failingTarget = testTarget({
  queues: {
    depths: async () => {
      throw new Error('socket hang up\n    at somewhere.ts:1:1');
    },
    replayDeadLetters: async () => ({ moved: 0 }),
    enqueue: async () => undefined,
  },
});

describe('the CLI program', () => {
  it('reports an unexpected error in one line, and its stack only with --debug', async () => {
    const plain = await runAgainst(failingTarget, 'dlq', 'list');
    expect(plain).toMatchObject({
      code: 1,
      stderr: ['error: unexpected error: socket hang up (run with --debug for details)'],
    });
    const debug = await runAgainst(failingTarget, '--debug', 'dlq', 'list');
    expect(debug.code).toBe(1);
    expect(debug.stderr.length).toBeGreaterThan(2);
    expect(debug.stderr).toContainEqual(expect.stringMatching(/^\s+at /));
  });

  it('answers an unknown command, a missing argument and a bare group with exit code 2', async () => {
    const unknown = await runAgainst(failingTarget, 'evnets');
    expect(unknown).toMatchObject({ code: 2, stderr: ["error: unknown command 'evnets'"] });
    const missing = await runAgainst(failingTarget, 'events', 'redrive');
    expect(missing).toMatchObject({
      code: 2,
      stderr: ['error: give an event id, or --status failed (or received) to re-drive many'],
    });
    expect((await runAgainst(failingTarget, 'webhooks')).code).toBe(2);
    expect((await runAgainst(failingTarget, '--help')).code).toBe(0);
  });

  it('masks phone numbers to their last 4 digits and lines up table columns', () => {
    expect(maskPhoneNumber('+1 (555) 555-0123')).toBe('…0123');
    expect(maskPhoneNumbersIn('from +15555550123 to +447700900456 at 2026-11-20')).toBe(
      'from …0123 to …0456 at 2026-11-20',
    );
    expect(
      formatTable(
        ['family', 'n'],
        [
          ['calls', 3],
          ['call-intelligence', 12],
        ],
      ),
    ).toEqual(['family              n', 'calls               3', 'call-intelligence  12']);
  });
});
