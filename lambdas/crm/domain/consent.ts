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
 * 3. `opt-in` when the whole text is START, UNSTOP, SUBSCRIBE, RESUME or a configured word (plus
 *    courtesy); `yes` when it is YES (it lifts an opt-out only shortly after a message that asked
 *    for it — the repository decides); `help` for HELP or INFO.
 * 4. `review` (a possible opt-out: sends stop until an operator decides) when an opt-out word
 *    appears elsewhere in a short message, or one sentence of a longer one is an opt-out by itself,
 *    unless the words around it plainly mean something else ("stop by", "end of the week",
 *    "cancel the appointment", "don't stop").
 * 5. Otherwise `none`.
 */

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

const phrases = (...list: string[]) => list.map((p) => p.split(' '));

/** Whole phrases that ask to stop messages. */
const optOutPhrases = phrases(
  'stop',
  'stop all',
  'stopall',
  'stop it',
  'unsubscribe',
  'unsub',
  'cancel',
  'cancel all',
  'end',
  'end all',
  'quit',
  'revoke',
  'revoke consent',
  'opt out',
  'optout',
  'opt me out',
  'remove me',
  'remove',
  'delete me',
  'take me off',
  'take me off your list',
  'take me off the list',
  'take me off this list',
  'take me off your mailing list',
  'leave me alone',
  'no more',
  'no more texts',
  'no more messages',
  'no more text messages',
  'dont text me',
  'do not text me',
  'dont message me',
  'do not message me',
  'dont contact me',
  'do not contact me',
  'dont text',
  'do not text',
  'dont text or call me',
  'do not text or call me',
  'dont call or text me',
  'do not call or text me',
  'stop texting me',
  'stop messaging me',
  'stop contacting me',
  'stop sending me texts',
  'stop sending me messages',
  'stop sending texts',
  'stop sending messages',
  'stop sending',
  'stop the texts',
  'stop the messages',
  'stop these texts',
  'stop these messages',
  'i want to unsubscribe',
  'i want to opt out',
  'i want to stop',
  'i would like to unsubscribe',
  'id like to unsubscribe',
  'please unsubscribe me',
  // Spanish
  'alto',
  'parar',
  'para',
  'cancelar',
  'baja',
  'darme de baja',
  'dar de baja',
  'dame de baja',
  'no mas mensajes',
  'no más mensajes',
  'no me escribas',
  'no me escriba',
  'no me envien mensajes',
  'no me envíen mensajes',
);

/** Words around an opt-out that only add courtesy, addressing or emphasis. */
const courtesyPhrases = phrases(
  'please',
  'pls',
  'plz',
  'plse',
  'kindly',
  'now',
  'right now',
  'asap',
  'immediately',
  'already',
  'again',
  'ever again',
  'anymore',
  'any more',
  'thanks',
  'thank you',
  'thank u',
  'thx',
  'ty',
  'no thanks',
  'no thank you',
  'ok',
  'okay',
  'yes',
  'sir',
  'maam',
  'madam',
  'hi',
  'hello',
  'hey',
  'me',
  'all',
  'texting me',
  'messaging me',
  'contacting me',
  'calling me',
  'texting',
  'sending me texts',
  'sending me messages',
  'text messages',
  'messages',
  'texts',
  'from your list',
  'from the list',
  'from this list',
  'from your mailing list',
  'from your texts',
  'from your messages',
  'from all texts',
  'from all messages',
  'from this number',
  'from your contacts',
  'this number',
  'my number',
  'i said',
  'seriously',
  'really',
  'just',
  'x',
  // Spanish
  'por favor',
  'gracias',
  'ya',
  'mensajes',
);

const optInPhrases = phrases('start', 'unstop', 'subscribe', 'resume', 'resubscribe', 'opt in', 'optin');
const yesPhrases = phrases('yes', 'y', 'yeah', 'yep', 'yup', 'yes please', 'si', 'sí');
const helpPhrases = phrases('help', 'info', 'ayuda');

/** Single words that make a message a possible opt-out wherever they appear. */
const optOutWords = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'unsub',
  'cancel',
  'end',
  'quit',
  'revoke',
  'optout',
  'alto',
  'parar',
  'cancelar',
  'baja',
]);
/** Multi-word opt-out phrases that make a message a possible opt-out wherever they appear. */
const optOutSequences = phrases(
  'opt out',
  'remove me',
  'delete me',
  'take me off',
  'leave me alone',
  'dont text',
  'do not text',
  'dont message',
  'do not message',
  'dont contact',
  'do not contact',
  'no more texts',
  'no more messages',
  'darme de baja',
  'no me escribas',
);

const set = (...words: string[]) => new Set(words);
/** Words before or after an opt-out word that show the sentence is about something else. */
const benignContext: Record<string, { before?: Set<string>; after?: Set<string>; within?: Set<string> }> = {
  stop: {
    before: set(
      'non',
      'dont',
      'never',
      'cant',
      'cannot',
      'couldnt',
      'wont',
      'didnt',
      'doesnt',
      'bus',
      'next',
      'last',
      'first',
      'pit',
      'one',
      'full',
      'truck',
      'rest',
      'quick',
      'short',
      'a',
    ),
    after: set(
      'by',
      'in',
      'over',
      'at',
      'for',
      'sign',
      'light',
      'watch',
      'motion',
      'gap',
      'loss',
      'smoking',
      'drinking',
      'worrying',
      'laughing',
      'thinking',
      'talking',
    ),
  },
  end: {
    before: set(
      'the',
      'week',
      'month',
      'year',
      'my',
      'our',
      'your',
      'back',
      'front',
      'high',
      'low',
      'dead',
      'deep',
      'rear',
      'tail',
      'west',
      'east',
      'north',
      'south',
      'upper',
      'lower',
      'weekend',
      'at',
    ),
    after: set(
      'of',
      'up',
      'date',
      'time',
      'user',
      'result',
      'table',
      'goal',
      'game',
      'zone',
      'day',
      'week',
      'month',
    ),
  },
  cancel: {
    within: set(
      'appointment',
      'appt',
      'order',
      'meeting',
      'reservation',
      'booking',
      'visit',
      'call',
      'delivery',
      'trip',
      'flight',
      'lesson',
      'class',
      'ride',
      'service',
      'tour',
      'showing',
      'inspection',
      'consultation',
      'session',
      'pickup',
      'payment',
      'card',
      'tomorrow',
      'today',
      'tonight',
      'monday',
      'tuesday',
      'wednesday',
      'thursday',
      'friday',
      'saturday',
      'sunday',
      'plans',
      'dinner',
      'lunch',
      'job',
      'install',
      'installation',
      'repair',
      'cleaning',
    ),
  },
  quit: {
    after: set('my', 'smoking', 'drinking', 'job', 'work', 'school', 'the', 'his', 'her', 'their'),
  },
  alto: { before: set('muy', 'mas', 'más', 'precio', 'volumen', 'lo', 'en', 'tan', 'el') },
  baja: { before: set('presion', 'presión', 'temporada', 'marea', 'planta', 'muy', 'mas', 'más') },
  parar: { before: set('sin', 'puedo', 'voy', 'vamos') },
  cancelar: {
    within: set(
      'cita',
      'pedido',
      'orden',
      'reservacion',
      'reservación',
      'reserva',
      'reunion',
      'reunión',
      'visita',
      'viaje',
      'clase',
      'manana',
      'mañana',
      'hoy',
    ),
  },
};

const startsWith = (tokens: string[], at: number, phrase: string[]) =>
  phrase.every((word, i) => tokens[at + i] === word);

/** Whether the tokens split wholly into the given phrases and at least one `required` phrase. */
function segmentsInto(tokens: string[], required: string[][], allowed: string[][]): string | undefined {
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

function isBenign(tokens: string[], at: number): boolean {
  const context = benignContext[tokens[at]!];
  if (!context) return false;
  if (context.before?.has(tokens[at - 1] ?? '')) return true;
  if (context.after?.has(tokens[at + 1] ?? '')) return true;
  return tokens.slice(at + 1, at + 4).some((t) => context.within?.has(t));
}

/** The first opt-out word or phrase of the tokens that is not plainly about something else. */
function possibleOptOut(tokens: string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const sequence = optOutSequences.find((p) => startsWith(tokens, i, p));
    if (sequence) return sequence.join(' ');
    if (optOutWords.has(tokens[i]!) && !isBenign(tokens, i)) return tokens[i];
  }
  return undefined;
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
