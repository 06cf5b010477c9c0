/** Matching normalised tokens against phrase tables: whole-message segmentation and word search. */
import { benignContext } from './consent-context';
import { optOutSequences, optOutWords } from './consent-phrases';

export const startsWith = (tokens: string[], at: number, phrase: string[]) =>
  phrase.every((word, i) => tokens[at + i] === word);

/** Whether the tokens split wholly into the given phrases and at least one `required` phrase. */
export function segmentsInto(
  tokens: string[],
  required: string[][],
  allowed: string[][],
): string | undefined {
  // best[i]: the first required phrase of a segmentation of tokens[0..i), or '' when none yet.
  const best: (string | undefined)[] = [''];
  for (let i = 0; i < tokens.length; i++) {
    const sofar = best[i];
    if (sofar === undefined) continue;
    for (const [phrase, isRequired] of [
      ...required.map((p) => [p, true] as const),
      ...allowed.map((p) => [p, false] as const),
    ]) {
      if (!startsWith(tokens, i, phrase)) continue;
      const end = i + phrase.length;
      const next = sofar || (isRequired ? phrase.join(' ') : '');
      if (best[end] === undefined || (best[end] === '' && next !== '')) best[end] = next;
    }
  }
  const found = best[tokens.length];
  return found ? found : undefined;
}

/** Whether the opt-out word at `at` is plainly about something else ("stop by", "end of the week"). */
export function isBenign(tokens: string[], at: number): boolean {
  const context = benignContext[tokens[at]!];
  if (!context) return false;
  if (context.before?.has(tokens[at - 1] ?? '')) return true;
  if (context.after?.has(tokens[at + 1] ?? '')) return true;
  return tokens.slice(at + 1, at + 4).some((t) => context.within?.has(t));
}

/** The first opt-out word or phrase of the tokens that is not plainly about something else. */
export function possibleOptOut(tokens: string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const sequence = optOutSequences.find((p) => startsWith(tokens, i, p));
    if (sequence) return sequence.join(' ');
    if (optOutWords.has(tokens[i]!) && !isBenign(tokens, i)) return tokens[i];
  }
  return undefined;
}
