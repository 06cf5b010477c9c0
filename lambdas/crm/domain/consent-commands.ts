/**
 * A reply that begins with an opt-out verb used as a command ("remove this number from your
 * system", "stop sending me these promos"): whatever follows, at least a possible opt-out. It is a
 * plain opt-out when everything after the verb only names messages, this number or its records;
 * anything else (an unknown object, someone else's phone: "my wife's cell") leaves it to an operator.
 */
import { isBenign, startsWith } from './consent-phrase-matching';
import { phrases } from './consent-phrases';

export type OptOutCommand = { kind: 'opt-out' | 'review'; matched: string } | undefined;

/** Words a command may open with before its verb: courtesy and "can you…". */
const leadIns = phrases(
  'please',
  'pls',
  'plz',
  'plse',
  'kindly',
  'hi',
  'hello',
  'hey',
  'yo',
  'ok',
  'okay',
  'sir',
  'maam',
  'just',
  'again',
  'seriously',
  'i said',
  'can you',
  'can u',
  'could you',
  'could u',
  'would you',
  'would u',
  'will you',
  'will u',
  'can yall',
  'i need you to',
  'i want you to',
  'you need to',
  'u need to',
  'yall need to',
  'por favor',
);

/** Verbs that, first in a reply, ask to stop or to be removed. `take` counts only with an `off`. */
const commandVerbs = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'unsub',
  'cancel',
  'quit',
  'end',
  'remove',
  'delete',
  'erase',
  'take',
  // Spanish
  'cancelar',
  'cancela',
  'cancelen',
  'quitar',
  'quita',
  'quitame',
  'quiteme',
  'quitenme',
  'quiten',
  'borrar',
  'borra',
  'borren',
  'borrame',
  'eliminar',
  'elimina',
  'eliminen',
]);

/** Things a `remove`/`delete` may name that are no one's contact details. */
const nonContactObjects = new Set([
  'photo',
  'photos',
  'picture',
  'pictures',
  'pic',
  'pics',
  'image',
  'video',
  'file',
  'attachment',
]);

/** After the verb: what only names messages, this number or its records, or adds courtesy. */
const objectWords = new Set([
  // what is sent
  'text',
  'texts',
  'txt',
  'txts',
  'texting',
  'message',
  'messages',
  'msg',
  'msgs',
  'messaging',
  'sms',
  'promo',
  'promos',
  'promotion',
  'promotions',
  'promotional',
  'ad',
  'ads',
  'advertising',
  'marketing',
  'notification',
  'notifications',
  'notifs',
  'alert',
  'alerts',
  'offer',
  'offers',
  'deal',
  'deals',
  'spam',
  'junk',
  'reminder',
  'reminders',
  'update',
  'updates',
  'newsletter',
  'newsletters',
  'blast',
  'blasts',
  'mass',
  'automated',
  'email',
  'emails',
  'emailing',
  'sending',
  'contacting',
  'calling',
  'call',
  'calls',
  'spamming',
  'bugging',
  'bothering',
  'harassing',
  'pestering',
  'hassling',
  'reaching',
  'and',
  'or',
  // who and where
  'me',
  'us',
  'number',
  'numbers',
  'phone',
  'cell',
  'line',
  'list',
  'lists',
  'mailing',
  'contact',
  'contacts',
  'system',
  'database',
  'records',
  'info',
  'information',
  'details',
  'data',
  // determiners, connectors, courtesy
  'the',
  'these',
  'this',
  'those',
  'that',
  'all',
  'any',
  'every',
  'my',
  'our',
  'your',
  'ur',
  'yr',
  'from',
  'off',
  'of',
  'out',
  'on',
  'to',
  'with',
  'you',
  'u',
  'ya',
  'yall',
  'guys',
  'company',
  'it',
  'anymore',
  'more',
  'now',
  'right',
  'asap',
  'immediately',
  'already',
  'ever',
  'again',
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'thx',
  'ty',
  // Spanish
  'mi',
  'mis',
  'de',
  'la',
  'el',
  'los',
  'las',
  'su',
  'sus',
  'tu',
  'numero',
  'número',
  'lista',
  'mensajes',
  'textos',
  'promociones',
  'favor',
  'por',
]);

/** Past the lead-in words, where the command's verb would be. */
function verbIndex(tokens: string[]): number {
  let at = 0;
  for (;;) {
    const leadIn = leadIns.find((phrase) => startsWith(tokens, at, phrase));
    if (!leadIn) return at;
    at += leadIn.length;
  }
}

/** Whether the verb at `at` is a command to stop or remove, not "stop by", "take the trash out". */
function isCommand(tokens: string[], at: number): boolean {
  const verb = tokens[at]!;
  if (!commandVerbs.has(verb) || isBenign(tokens, at)) return false;
  if (verb === 'take') return tokens.slice(at + 1, at + 7).includes('off');
  if (verb === 'remove' || verb === 'delete' || verb === 'erase')
    return !tokens.slice(at + 1).some((t) => nonContactObjects.has(t));
  return true;
}

/** How a reply opening with an opt-out command reads, or `undefined` when it opens with none. */
export function optOutCommandOf(tokens: string[]): OptOutCommand {
  const at = verbIndex(tokens);
  if (at >= tokens.length || !isCommand(tokens, at)) return undefined;
  const rest = tokens.slice(at + 1);
  const matched = rest.length > 0 ? `${tokens[at]} …` : tokens[at]!;
  const plain =
    rest.length > 0 && rest.every((t) => objectWords.has(t)) && rest.some((t) => !leadOrLinkWords.has(t));
  return { kind: plain ? 'opt-out' : 'review', matched };
}

/** Object words that name nothing by themselves: "end this", "stop it with that" stay for review. */
const leadOrLinkWords = new Set([
  'the',
  'these',
  'this',
  'those',
  'that',
  'all',
  'any',
  'every',
  'it',
  'now',
  'right',
  'asap',
  'immediately',
  'already',
  'ever',
  'again',
  'anymore',
  'more',
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'thx',
  'ty',
  'you',
  'u',
  'with',
  'of',
  'on',
  'to',
  'out',
  'off',
  'from',
  'favor',
  'por',
  'and',
  'or',
]);
