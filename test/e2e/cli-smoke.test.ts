import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** `npm run cli -- …` as an operator runs it: a fresh Node process, its exit code and both streams. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'cli/index.ts'), ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('the CLI as a process', () => {
  it('prints help with exit code 0, and one line with exit code 2 or 1 for bad input, never a stack', async () => {
    const [help, usage, noReplica] = await Promise.all([
      cli('events', '--help'),
      cli('events', 'list', '--status', 'bogus'),
      cli('--replica-file', '/nonexistent/replica.json', 'events', 'count'),
    ]);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run cli -- events \[options\] \[command\]/);
    expect(help.stdout).toMatch(/redrive \[options\] \[eventId\]/);

    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      "error: option '--status <status>' argument 'bogus' is invalid. Allowed choices are received, failed, ignored.\n",
    );

    expect(noReplica.code).toBe(1);
    expect(noReplica.stderr).toBe(
      'error: no local replica is running (no /nonexistent/replica.json): start one with `npm start`, or choose a deployed stack with --stack <name>\n',
    );
    expect(noReplica.stdout).toBe('');
  }, 90_000);
});
