import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAgainst, testTarget } from '../support/cli';

const run = promisify(execFile);
const repository = join(__dirname, '..', '..');
const { version, bin } = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

jest.setTimeout(60_000);

describe('openphone-bridge, the installed command', () => {
  it('prints the package version with --version', async () => {
    expect(await runAgainst(testTarget({}), '--version')).toMatchObject({ code: 0, stdout: [version] });
  });

  it('runs the CLI through the bin launcher as npm links it (node_modules/.bin), from any folder', async () => {
    // npm installs a bin as a symlink in the consumer's node_modules/.bin and runs it from there.
    const project = mkdtempSync(join(tmpdir(), 'bridge-bin-'));
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    const linked = join(project, 'node_modules', '.bin', 'openphone-bridge');
    symlinkSync(join(repository, bin['openphone-bridge']!), linked);
    const { stdout } = await run(linked, ['--version'], { cwd: project });
    expect(stdout.trim()).toBe(version);
    const help = await run(linked, ['activities', 'show', '--help'], { cwd: project });
    expect(help.stdout).toContain('--show-text');
    // A command's failure is the launcher's exit code (no replica runs in that folder).
    await expect(run(linked, ['events', 'count'], { cwd: project })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no local replica is running'),
    });
  });
});
