import { classifyReply, normaliseReply, type ConsentRuleOptions } from './consent';

/**
 * Does an inbound text need an answer from the office? The rule, in order:
 * 1. A message with no text (a photo, a file) needs one: someone has to look at it.
 * 2. An opt-out or opt-in (read by the consent rule) needs none: the bridge handles it.
 * 3. An automatic reply (driving mode, out of office, "this is an automated message") needs none.
 * 4. A tapback quoting our message (`Liked “…”`, `Loved "…"`) needs none.
 * 5. A text whose every word is an acknowledgement ("ok", "thanks", "sounds good", "👍") and
 *    that asks nothing (no "?") needs none. Anything else — "ok when are you coming?" — needs one.
 * When in doubt the answer is "needs one": a false "waiting" costs a glance, a missed customer a job.
 */
export type ReplyNeed =
  | { needsAnswer: true }
  | { needsAnswer: false; reason: 'opt-out' | 'opt-in' | 'auto-reply' | 'reaction' | 'acknowledgement' };

/** Phrases of an acknowledgement, normalised (lower case, words only); emoji are judged apart. */
const acknowledgementPhrases = (
  'ok|okay|okey|okie|k|kk|ok ok|alright|all right|sure|yep|yup|thanks|thank you|thankyou|' +
  'thanks so much|thank you so much|thanks a lot|thx|ty|tysm|thanks again|many thanks|cheers|' +
  'appreciate it|much appreciated|sounds good|sounds great|great|perfect|awesome|cool|nice|' +
  'good|got it|gotcha|will do|noted|no problem|np|no worries|you too|you as well|' +
  'have a good day|have a great day|have a nice day|see you then|see you|lol|haha|' +
  // Phrases follow one another ("ok thanks", "perfect, see you then"); "yes" only with thanks.
  'yes thanks|yes thank you'
)
  .split('|')
  .map((p) => p.split(' '));

/** Greetings and fillers that may surround an acknowledgement ("ok thanks John"): words only. */
const fillerWords = new Set([
  'so',
  'much',
  'very',
  'again',
  'man',
  'buddy',
  'guys',
  'sir',
  'maam',
  'xx',
  'x',
]);

const autoReplyPatterns = [
  /\bi'?m driving\b.*\bdo not disturb\b/i,
  /\bdo not disturb while driving\b/i,
  /\b(auto(matic)?[- ]?reply|autoreply|automated (message|response|reply))\b/i,
  /\bout of (the )?office\b/i,
  /\bthis (number|inbox|mailbox) is not monitored\b/i,
  /\bi('m| am) (currently )?(away|unavailable|on (vacation|holiday|leave))\b.*\b(until|back|return)/i,
];

/** iMessage and Android tapbacks as plain text: a verb and our words in quotes. */
const reaction =
  /^(liked|loved|disliked|laughed at|emphasized|emphasised|questioned|reacted [^ ]+ to)\s+[“"'‘«]/i;

/** Emoji that acknowledge: thumbs up, ok hand, folded and raised hands, clapping, hearts, smiles, ticks. */
const acknowledgingEmoji = new Set([
  ...'\u{1F44D}\u{1F44C}\u{1F64F}\u{1F64C}\u{1F44F}\u{2764}\u{1F499}\u{1F49A}\u{1F49B}\u{1F49C}\u{1F90D}',
  ...'\u{1F60A}\u{1F642}\u{1F600}\u{1F601}\u{1F603}\u{1F604}\u{1F60D}\u{1F970}\u{1F917}\u{263A}\u{1F609}',
  ...'\u{2705}\u{2714}\u{1F4AF}',
]);

function startsWithPhrase(words: string[], at: number, phrase: string[]): boolean {
  return phrase.every((word, i) => words[at + i] === word);
}

/** Whether the words are made entirely of acknowledgement phrases and fillers. */
function isOnlyAcknowledgement(words: string[]): boolean {
  let at = 0;
  let acknowledged = false;
  while (at < words.length) {
    const phrase = acknowledgementPhrases
      .filter((p) => startsWithPhrase(words, at, p))
      .sort((a, b) => b.length - a.length)[0];
    if (phrase) {
      at += phrase.length;
      acknowledged = true;
    } else if (fillerWords.has(words[at]!)) at += 1;
    else return false;
  }
  return acknowledged;
}

/** Reads one inbound text (see the rule above). */
export function replyNeedOf(text: string | undefined, consentRule: ConsentRuleOptions = {}): ReplyNeed {
  const raw = (text ?? '').normalize('NFKC').trim();
  if (raw === '') return { needsAnswer: true };
  const consent = classifyReply(raw, consentRule).kind;
  if (consent === 'opt-out') return { needsAnswer: false, reason: 'opt-out' };
  if (consent === 'opt-in') return { needsAnswer: false, reason: 'opt-in' };
  if (autoReplyPatterns.some((pattern) => pattern.test(raw.replace(/[’‘]/g, "'"))))
    return { needsAnswer: false, reason: 'auto-reply' };
  if (reaction.test(raw)) return { needsAnswer: false, reason: 'reaction' };
  if (raw.includes('?') || raw.includes('\uFF1F')) return { needsAnswer: true };
  const emoji = raw.match(/\p{Extended_Pictographic}/gu) ?? [];
  if (!emoji.every((e) => acknowledgingEmoji.has(e))) return { needsAnswer: true };
  const words = normaliseReply(raw).split(' ').filter(Boolean);
  const acknowledges = words.length === 0 ? emoji.length > 0 : isOnlyAcknowledgement(words);
  return acknowledges ? { needsAnswer: false, reason: 'acknowledgement' } : { needsAnswer: true };
}
