import type { ConsentChange } from './activity-signals';

/** Why a number gets no campaign messages: it opted out, its messages bounce, or an operator said so. */
export const suppressionReasons = ['opt-out', 'bounce', 'manual'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export interface SuppressionChange {
  action: 'add' | 'remove';
  phoneNumber: string;
  reason: SuppressionReason;
  at: string;
  /** What caused it: the message id (STOP, START, the failure that crossed the threshold) or an operator reference. */
  reference: string;
}

/** STOP-like → add an opt-out; START-like → remove it; HELP changes nothing. */
export function suppressionChangeOf(consent: ConsentChange): SuppressionChange | undefined {
  if (consent.keyword === 'help') return undefined;
  return {
    action: consent.keyword === 'opt-out' ? 'add' : 'remove',
    phoneNumber: consent.phoneNumber,
    reason: 'opt-out',
    at: consent.at,
    reference: consent.messageId,
  };
}
