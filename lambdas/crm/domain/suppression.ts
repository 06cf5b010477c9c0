import type { ConsentChange } from './activity-signals';

/**
 * Why a number gets no campaign messages: it opted out; a reply might be an opt-out and waits for
 * an operator (`review`); its messages keep failing (`bounce`) or it cannot receive SMS at all
 * (`bounce-hard`); or an operator said so (`manual`). Any active reason blocks sends.
 */
export const suppressionReasons = ['opt-out', 'review', 'bounce', 'bounce-hard', 'manual'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export interface SuppressionChange {
  action: 'add' | 'remove';
  phoneNumber: string;
  reason: SuppressionReason;
  at: string;
  /** What caused it: the message id (STOP, START, the failure that crossed the threshold) or an operator reference. */
  reference: string;
  /** For a change a reply caused: the phrase the consent rule matched. */
  matched?: string;
  /** For a change a reply caused: a short excerpt of it, digits masked. */
  excerpt?: string;
  /** For a change a person made (API caller, operator): why, in their words. */
  note?: string;
  /** For a review settled by an operator: what they decided it was. */
  resolution?: 'opt-out' | 'not-an-opt-out';
}

/** How long after a message that asked for it a YES lifts an opt-out. @default 24 hours */
export const defaultYesWindowHours = 24;

/** Whether a YES at `at` answers a prompt sent at `promptedAt` (the prompt first, within the window). */
export function yesAnswersPrompt(promptedAt: string | undefined, at: string, windowHours: number): boolean {
  if (!promptedAt || promptedAt > at) return false;
  return Date.parse(at) - Date.parse(promptedAt) <= windowHours * 3_600_000;
}

/**
 * The suppression change a consent reply makes: an opt-out adds `opt-out`; a possible opt-out adds
 * `review`; an opt-in (or a YES the caller found answers a prompt: `yesAnswered`) lifts `opt-out`
 * only — never `manual` or `review`, which an operator lifts. HELP, a prompt or an unanswered YES
 * change nothing.
 */
export function suppressionChangeOf(
  consent: ConsentChange,
  context: { yesAnswered?: boolean } = {},
): SuppressionChange | undefined {
  const action =
    consent.keyword === 'opt-out' || consent.keyword === 'review'
      ? 'add'
      : consent.keyword === 'opt-in' || (consent.keyword === 'yes' && context.yesAnswered)
        ? 'remove'
        : undefined;
  if (!action) return undefined;
  return {
    action,
    phoneNumber: consent.phoneNumber,
    reason: consent.keyword === 'review' ? 'review' : 'opt-out',
    at: consent.at,
    reference: consent.messageId,
    ...(consent.matched ? { matched: consent.matched } : {}),
    ...(consent.excerpt ? { excerpt: consent.excerpt } : {}),
  };
}
