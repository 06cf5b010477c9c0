import { describeFailure } from '../cli/errors';
import type { Output } from '../cli/output';

/** What a CLI command printed, or the one line it failed with: the console shows either as a notice. */
export type CommandResult = { ok: true; lines: string[] } | { ok: false; lines: string[] };

/**
 * Runs one of the CLI's command functions with its output captured, so the console does what the
 * CLI does and says it in the same words. Progress bars (`[####    ]`) are left out.
 */
export async function runCommand(command: (out: Output) => Promise<void>): Promise<CommandResult> {
  const lines: string[] = [];
  const out: Output = { line: (text = '') => void lines.push(text), isTTY: false };
  const kept = () => lines.filter((l) => !/^\[[#?-]+\]/.test(l.trim()));
  try {
    await command(out);
    return { ok: true, lines: kept() };
  } catch (error) {
    return { ok: false, lines: [...kept(), describeFailure(error).message] };
  }
}

/** The notice a page shows after running a command: its lines, as a success or a failure. */
export function noticeOf(result: CommandResult): { kind: 'ok' | 'error'; lines: string[] } {
  return { kind: result.ok ? 'ok' : 'error', lines: result.lines };
}
