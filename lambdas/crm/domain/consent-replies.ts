/**
 * Confirmation replies to consent keywords: one "you're unsubscribed" to an opt-out and the help
 * text to HELP. Off by default (OpenPhone or the carrier may send their own); at most one of each
 * kind to a number per 24 hours.
 */
import * as z from '../../shared/zod-mini';
import type { ConsentChange } from './activity-signals';

type ConsentKeyword = ConsentChange['keyword'];

export const defaultOptOutReply =
  "You're unsubscribed and will get no more messages from us. Reply START to resubscribe.";
export const defaultHelpReply = 'Reply STOP to unsubscribe. For help, call or text us at this number.';

const replyText = z.string().check(z.trim(), z.minLength(1), z.maxLength(320));

export const consentReplySettings = z.object({
  /** Send the replies at all. @default false */
  enabled: z._default(z.boolean(), false),
  optOutText: z._default(replyText, defaultOptOutReply),
  helpText: z._default(replyText, defaultHelpReply),
});
export type ConsentReplySettings = z.infer<typeof consentReplySettings>;
export const defaultConsentReplySettings: ConsentReplySettings = consentReplySettings.parse({});

export type ConsentReplyKind = 'opt-out' | 'help';

/** No second reply of a kind to a number within this long. */
export const consentReplyQuietMs = 24 * 3600_000;

export function consentReplyKindOf(keyword: ConsentKeyword): ConsentReplyKind | undefined {
  return keyword === 'opt-out' || keyword === 'help' ? keyword : undefined;
}

export function consentReplyText(kind: ConsentReplyKind, settings: ConsentReplySettings): string {
  return kind === 'opt-out' ? settings.optOutText : settings.helpText;
}
