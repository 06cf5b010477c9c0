/**
 * How a reply is read for consent: the one rule, pure, tested over a labelled corpus
 * (test/fixtures/consent-replies.json). The FCC's 2025 TCPA rule lets a person revoke consent by
 * any reasonable means, so an opt-out is read as people write it, not only as a bare keyword.
 *
 * 1. Normalise: Unicode NFKC (full-width ＳＴＯＰ → stop), case fold, drop format characters
 *    (zero-width spaces, joiners, BOMs: `\p{Cf}`), drop apostrophes inside words (don't → dont),
 *    turn every other punctuation mark, symbol and emoji into a space, collapse spaces, trim.
 * 2. `opt-out` when the whole text is opt-out phrases (STOP, STOP ALL, UNSUBSCRIBE, CANCEL, END,
 *    QUIT, REVOKE, OPT OUT, REMOVE ME, "take me off your list", "do not text me", ALTO, BAJA…)
 *    plus only courtesy, addressing or emphasis ("please", "now", "thanks", "texting me",
 *    "from your list", "sir"…).
 * 2b. A reply that opens with an opt-out verb used as a command (after "please", "can you"…: stop,
 *    remove, unsubscribe, cancel, quit, end, delete, take … off) is never `none`: `opt-out` when
 *    what follows only names messages, this number or its records ("remove this number from your
 *    system"), `review` otherwise ("please remove my husband's cell") — consent-commands.ts.
 * 3. `opt-in` when the whole text is START, UNSTOP, SUBSCRIBE, RESUME or a configured word (plus
 *    courtesy); `yes` when it is YES (it lifts an opt-out only shortly after a message that asked
 *    for it — the repository decides); `help` for HELP or INFO.
 * 4. `review` (a possible opt-out: sends stop until an operator decides) when an opt-out word
 *    appears elsewhere in a short message, or one sentence of a longer one is an opt-out by itself,
 *    unless the words around it plainly mean something else ("stop by", "end of the week",
 *    "cancel the appointment", "don't stop").
 * 5. Otherwise `none`.
 */
import {
  courtesyPhrases,
  helpPhrases,
  optInPhrases,
  optOutPhrases,
  phrases,
  yesPhrases,
} from './consent-phrases';
import { possibleOptOut, segmentsInto } from './consent-phrase-matching';
import { optOutCommandOf } from './consent-commands';

export const consentClasses = ['opt-out', 'review', 'opt-in', 'yes', 'help', 'none'] as const;
export type ConsentClass = (typeof consentClasses)[number];

export interface ConsentReading {
  kind: ConsentClass;
  /** The normalised phrase that decided it (for the audit trail and tests), when there is one. */
  matched?: string;
}

export interface ConsentRuleOptions {
  /** Extra whole-message opt-in words, e.g. a brand keyword ("JOIN"). @default [] */
  extraOptInWords?: readonly string[];
}

/** Messages of at most this many words are short: an opt-out word anywhere in them is reviewed. */
export const reviewWordLimit = 30;

/** The normalised form the rule reads (step 1 above). */
export function normaliseReply(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Cf}/gu, '')
    .replace(/(\p{L})['’‘`´](\p{L})/gu, '$1$2')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Sentences of the raw text, each normalised, for "one sentence is an opt-out by itself". */
function sentencesOf(text: string): string[][] {
  return text
    .normalize('NFKC')
    .split(/[.!?;\n。！？]+/u)
    .map((s) => normaliseReply(s))
    .filter((s) => s !== '')
    .map((s) => s.split(' '));
}

/** Reads one reply for consent (see the rule at the top of this file). */
export function classifyReply(text: string | undefined, options: ConsentRuleOptions = {}): ConsentReading {
  if (text === undefined) return { kind: 'none' };
  const normalised = normaliseReply(text);
  if (normalised === '') return { kind: 'none' };
  const tokens = normalised.split(' ');

  const optOut = segmentsInto(tokens, optOutPhrases, courtesyPhrases);
  if (optOut) return { kind: 'opt-out', matched: optOut };
  const command = optOutCommandOf(tokens);
  if (command) return command;

  const optIns = [...optInPhrases, ...phrases(...(options.extraOptInWords ?? []).map(normaliseReply))];
  const optIn = segmentsInto(tokens, optIns, courtesyPhrases);
  if (optIn) return { kind: 'opt-in', matched: optIn };
  const help = segmentsInto(tokens, helpPhrases, courtesyPhrases);
  if (help) return { kind: 'help', matched: help };
  if (segmentsInto(tokens, yesPhrases, courtesyPhrases)) return { kind: 'yes', matched: 'yes' };

  if (tokens.length <= reviewWordLimit) {
    const possible = possibleOptOut(tokens);
    if (possible) return { kind: 'review', matched: possible };
  }
  for (const sentence of sentencesOf(text)) {
    const whole = segmentsInto(sentence, optOutPhrases, courtesyPhrases);
    if (whole) return { kind: 'review', matched: whole };
  }
  return { kind: 'none' };
}

/**
 * Whether an outgoing message asks its recipient to reply YES (a re-subscribe confirmation, a
 * double opt-in): only after such a message can a YES lift an opt-out.
 */
export function asksToReplyYes(text: string | undefined): boolean {
  if (!text) return false;
  return /\b(reply|respond|text|answer|send|write) (with |back )?(yes|y)\b|\bresponda (con )?si\b/u.test(
    normaliseReply(text),
  );
}

/**
 * A short excerpt of a reply for the audit trail: at most 40 characters, digits masked (so no
 * phone number or code is kept). Never logged; logs carry only the class and the matched phrase.
 */
export function maskedExcerpt(text: string | undefined, maxLength = 40): string | undefined {
  if (!text) return undefined;
  const flat = text
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = flat.length > maxLength ? `${[...flat].slice(0, maxLength).join('').trimEnd()}…` : flat;
  return cut.replace(/\p{N}/gu, '•');
}
