/**
 * Consent keywords of an incoming message (CTIA list plus the FCC's 2025 "reasonable wording"
 * examples): the whole message, trimmed, in any case.
 */
export const optOutKeywords = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
] as const;
export const optInKeywords = ['START', 'UNSTOP', 'YES'] as const;
export const helpKeywords = ['HELP'] as const;

export type ConsentKeyword = 'opt-out' | 'opt-in' | 'help';

const keywordKinds = new Map<string, ConsentKeyword>([
  ...optOutKeywords.map((k) => [k, 'opt-out'] as const),
  ...optInKeywords.map((k) => [k, 'opt-in'] as const),
  ...helpKeywords.map((k) => [k, 'help'] as const),
]);

/** `opt-out`, `opt-in`, `help`, or undefined when the message is not exactly a keyword. */
export function classifyConsentKeyword(text: string | undefined): ConsentKeyword | undefined {
  if (text === undefined) return undefined;
  return keywordKinds.get(text.trim().toUpperCase());
}
